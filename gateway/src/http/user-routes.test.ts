import { describe, expect, it } from 'vitest';
import { EXAMPLE_PASSWORD } from './testing/operation-examples.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { openTestDatabase, useTestDatabase } from './testing/test-alert-store.ts';
import { freshUser, type TestCredential, uniqueName } from './testing/test-identities.ts';

useTestDatabase();

const { router } = makeRouter();

// biome-ignore lint/suspicious/noExplicitAny: bodies are checked field by field
type Body = any;

const call = async (
  method: string,
  target: string,
  options: { body?: unknown; as?: TestCredential } = {},
): Promise<{ status: number; body: Body }> => {
  const response = await router(
    options.as
      ? request(method, target, { as: 'none', body: options.body, headers: options.as.headers })
      : request(method, target, { body: options.body }),
  );
  const text = Buffer.from(response.body).toString();
  return { status: response.status, body: text ? JSON.parse(text) : null };
};

const login = (username: string, password: string) =>
  router(request('POST', '/api/auth/login', { as: 'none', body: { username, password } }));

describe('users (admin)', () => {
  it('creates a user who can sign in, lists it without any hash, and audits the creation', async () => {
    const username = uniqueName('alice');
    const created = await call('POST', '/api/users', {
      body: { username, role: 'operator', password: EXAMPLE_PASSWORD },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      username,
      role: 'operator',
      hasPassword: true,
      disabled: false,
      lastLoginAt: null,
    });
    expect((await login(username, EXAMPLE_PASSWORD)).status).toBe(200);
    const list = await call('GET', '/api/users');
    const listed = list.body.items.find((u: { id: string }) => u.id === created.body.id);
    expect(listed).toMatchObject({ username, lastLoginAt: expect.any(String) });
    expect(JSON.stringify(list.body)).not.toMatch(/argon2|passwordHash/);
    const audit = await (await openTestDatabase()).audit.list({
      action: 'user.create',
      targetId: created.body.id,
    });
    expect(audit.items[0]).toMatchObject({
      actor: { kind: 'token', name: 'test admin' },
      after: { username, role: 'operator' },
    });
    expect(JSON.stringify(audit.items)).not.toContain(EXAMPLE_PASSWORD);
  });

  it('answers 409 to a username taken, in any case', async () => {
    const { user } = await freshUser('viewer');
    const again = await call('POST', '/api/users', {
      body: { username: user.username.toUpperCase(), role: 'viewer', password: EXAMPLE_PASSWORD },
    });
    expect(again.status).toBe(409);
  });

  it.each([
    ['a short password', { role: 'viewer', password: 'short' }, '/password'],
    ['an unknown role', { role: 'root', password: EXAMPLE_PASSWORD }, '/role'],
    ['a username with spaces', { username: 'a b', role: 'viewer', password: EXAMPLE_PASSWORD }, '/username'],
  ])('answers 400 to %s, naming the field', async (_, fields, field) => {
    const response = await call('POST', '/api/users', { body: { username: uniqueName(), ...fields } });
    expect(response.status).toBe(400);
    expect(response.body.details.field).toBe(field);
  });

  it('changes a role and disables a user: their sessions end at once', async () => {
    const { user, credential } = await freshUser('viewer');
    expect((await call('GET', '/api/auth/me', { as: credential })).status).toBe(200);
    const promoted = await call('PATCH', `/api/users/${user.id}`, { body: { role: 'operator' } });
    expect(promoted).toMatchObject({ status: 200, body: { role: 'operator' } });
    expect((await call('GET', '/api/auth/me', { as: credential })).status).toBe(401);
    const audit = await (await openTestDatabase()).audit.list({ action: 'user.update', targetId: user.id });
    expect(audit.items[0]).toMatchObject({
      before: { role: 'viewer' },
      after: { role: 'operator', passwordChanged: false },
    });
    const again = await freshUser('operator');
    expect((await call('GET', '/api/auth/me', { as: again.credential })).status).toBe(200);
    const disabled = await call('PATCH', `/api/users/${again.user.id}`, { body: { disabled: true } });
    expect(disabled.body.disabled).toBe(true);
    expect((await call('GET', '/api/auth/me', { as: again.credential })).status).toBe(401);
  });

  it('resets a password (400 when short)', async () => {
    const { user } = await freshUser('viewer', { password: EXAMPLE_PASSWORD });
    expect((await call('PATCH', `/api/users/${user.id}`, { body: { password: 'short' } })).status).toBe(400);
    expect(
      (await call('PATCH', `/api/users/${user.id}`, { body: { password: 'reset by the admin' } })).status,
    ).toBe(200);
    expect((await login(user.username, 'reset by the admin')).status).toBe(200);
  });

  it('deletes a user: 204, then 404, and their session is gone', async () => {
    const { user, credential } = await freshUser('operator');
    expect((await call('GET', '/api/auth/me', { as: credential })).status).toBe(200); // cached now
    expect((await call('DELETE', `/api/users/${user.id}`)).status).toBe(204);
    expect((await call('DELETE', `/api/users/${user.id}`)).status).toBe(404);
    expect((await call('PATCH', `/api/users/${user.id}`, { body: { role: 'admin' } })).status).toBe(404);
    expect((await call('GET', '/api/auth/me', { as: credential })).status).toBe(401);
  });

  describe('an admin cannot lock themselves out', () => {
    it.each([
      ['demote', 'PATCH', { role: 'operator' }],
      ['disable', 'PATCH', { disabled: true }],
      ['delete', 'DELETE', undefined],
    ])('cannot %s themselves (400), and stays admin', async (_, method, body) => {
      const { user, credential } = await freshUser('admin');
      const response = await call(method, `/api/users/${user.id}`, { body, as: credential });
      expect(response.status).toBe(400);
      expect((await call('GET', '/api/auth/me', { as: credential })).body).toMatchObject({ role: 'admin' });
    });

    it('may still change their own password through PATCH', async () => {
      const { user, credential } = await freshUser('admin');
      const response = await call('PATCH', `/api/users/${user.id}`, {
        body: { password: 'my own new password' },
        as: credential,
      });
      expect(response.status).toBe(200);
    });
  });

  it('is for admins only: an operator gets 403 with the role it needs', async () => {
    const response = await router(request('GET', '/api/users', { as: 'operator' }));
    expect(response.status).toBe(403);
    expect(bodyJson(response)).toEqual({
      error: 'forbidden: needs role admin',
      details: { required: 'admin', role: 'operator' },
    });
  });
});
