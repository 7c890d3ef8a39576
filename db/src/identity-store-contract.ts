import { randomBytes } from 'node:crypto';
import { ERROR_CODES, ValidationError, VigilError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { openForSuite } from './contract-suite.ts';
import type { IdentityStore, NewToken } from './identity-store-port.ts';

export interface OpenedIdentityStore {
  identities: IdentityStore;
  close(): Promise<void>;
}

const HOUR_MS = 3_600_000;
const T0 = new Date('2031-05-01T12:00:00.000Z');
const later = (ms: number) => new Date(T0.getTime() + ms);

// Tests share one database: every name and secret is unique, so no test sees another's rows.
const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;
const secret = () => randomBytes(32).toString('hex');

const newToken = (overrides: Partial<NewToken> = {}): NewToken => ({
  name: unique('tool'),
  role: 'viewer',
  sources: null,
  scope: null,
  secretHash: secret(),
  createdBy: 'admin',
  expiresAt: null,
  ...overrides,
});

/**
 * The behaviour every IdentityStore must have. Opens one store for the suite (PGlite starts in seconds);
 * tests stay independent through unique usernames and secrets.
 */
export function runIdentityStoreContract(name: string, open: () => Promise<OpenedIdentityStore>): void {
  describe(`IdentityStore contract: ${name}`, { timeout: 30_000 }, () => {
    const opened = openForSuite(open);
    const store = (): IdentityStore => opened().identities;
    const newUser = (role: 'viewer' | 'operator' | 'admin' = 'operator') =>
      store().createUser({ username: unique('user'), role, passwordHash: '$argon2id$v=19$fake' });
    const newSession = async (userId: string, expiresAt = later(HOUR_MS)) => {
      const secretHash = secret();
      const session = await store().createSession({
        userId,
        secretHash,
        expiresAt,
        ip: '10.0.0.1',
        userAgent: 'test',
      });
      return { session, secretHash };
    };

    describe('users', () => {
      it('creates a user and finds it by id and by username in any case', async () => {
        const username = unique('Alice.Ops');
        const before = await store().countUsers();
        const user = await store().createUser({ username, role: 'admin', passwordHash: null });
        expect(user).toMatchObject({
          username,
          role: 'admin',
          hasPassword: false,
          disabled: false,
          lastLoginAt: null,
        });
        expect(user.createdAt).toBeInstanceOf(Date);
        expect(await store().countUsers()).toBe(before + 1);
        expect(await store().getUser(user.id)).toEqual({ ...user, passwordHash: null });
        expect((await store().findUserByUsername(username.toUpperCase()))?.id).toBe(user.id);
        expect((await store().findUserByUsername(username.toLowerCase()))?.id).toBe(user.id);
        expect((await store().listUsers()).map((u) => u.id)).toContain(user.id);
      });

      it('keeps the password hash for login and says only whether there is one elsewhere', async () => {
        const user = await newUser();
        expect(user.hasPassword).toBe(true);
        expect(user).not.toHaveProperty('passwordHash');
        expect((await store().findUserByUsername(user.username))?.passwordHash).toBe('$argon2id$v=19$fake');
      });

      it('refuses a username taken in another case with a conflict', async () => {
        const username = unique('bob');
        await store().createUser({ username, role: 'viewer', passwordHash: null });
        const err = await store()
          .createUser({ username: username.toUpperCase(), role: 'viewer', passwordHash: null })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(VigilError);
        expect(err).toMatchObject({
          code: ERROR_CODES.conflict,
          message: `username "${username.toUpperCase()}" is taken`,
        });
      });

      it('refuses bad usernames and roles with ValidationError, and finds no user by them', async () => {
        for (const username of ['', 'a'.repeat(65), 'with space', 'ünïcode', 'nul\u0000', 'semi;colon']) {
          await expect(store().createUser({ username, role: 'viewer', passwordHash: null })).rejects.toThrow(
            ValidationError,
          );
          expect(await store().findUserByUsername(username)).toBeNull();
        }
        await expect(
          store().createUser({ username: unique('x'), role: 'root' as 'admin', passwordHash: null }),
        ).rejects.toThrow(ValidationError);
        expect(await store().getUser('nul\u0000')).toBeNull();
      });

      it('accepts every allowed character and 64 characters', async () => {
        const user = await store().createUser({
          username: `a.b_c-d@e${'x'.repeat(55)}`.slice(0, 64),
          role: 'viewer',
          passwordHash: null,
        });
        expect(user.username).toHaveLength(64);
        await store().deleteUser(user.id);
      });

      it('updates role, password and disabled, and answers null for an unknown id', async () => {
        const user = await newUser();
        const updated = await store().updateUser(user.id, { role: 'admin', passwordHash: null }, later(1000));
        expect(updated).toMatchObject({ id: user.id, role: 'admin', hasPassword: false });
        expect(updated?.updatedAt).toEqual(later(1000));
        expect(await store().updateUser('no-such-user', { disabled: true }, T0)).toBeNull();
        await expect(store().updateUser(user.id, { role: 'boss' as 'admin' }, T0)).rejects.toThrow(
          ValidationError,
        );
      });

      it('revokes the sessions of a user whose password, role or disabled flag changes', async () => {
        const user = await newUser('viewer');
        for (const changes of [
          { passwordHash: '$argon2id$new' },
          { role: 'operator' as const },
          { disabled: true },
        ]) {
          const { secretHash } = await newSession(user.id);
          expect(await store().findSession(secretHash, T0)).not.toBeNull();
          await store().updateUser(user.id, changes, T0);
          expect(await store().findSession(secretHash, T0)).toBeNull();
          await store().updateUser(user.id, { disabled: false }, T0);
        }
      });

      it('keeps sessions when an update changes nothing that matters', async () => {
        const user = await newUser('viewer');
        const { secretHash } = await newSession(user.id);
        await store().updateUser(user.id, { role: 'viewer', disabled: false }, T0);
        expect(await store().findSession(secretHash, T0)).not.toBeNull();
      });

      it('deletes a user with its sessions and sign-in links', async () => {
        const user = await newUser();
        const { session, secretHash } = await newSession(user.id);
        const link = secret();
        await store().createSignInLink({ secretHash: link, userId: user.id, expiresAt: later(HOUR_MS) });
        expect(await store().deleteUser(user.id)).toBe(true);
        expect(await store().deleteUser(user.id)).toBe(false);
        expect(await store().getUser(user.id)).toBeNull();
        expect(await store().findSession(secretHash, T0)).toBeNull();
        expect(await store().consumeSignInLink(link, T0)).toBeNull();
        expect(await store().invalidCredentials([session.id], T0)).toEqual([session.id]);
      });

      it('records the last login', async () => {
        const user = await newUser();
        await store().recordLogin(user.id, later(5000));
        expect((await store().getUser(user.id))?.lastLoginAt).toEqual(later(5000));
      });
    });

    describe('tokens', () => {
      it('creates a token and finds it by id and by secret hash, without the hash', async () => {
        const input = newToken({
          role: 'ingest',
          sources: ['security', 'logs'],
          scope: { source: ['security'], severity: ['high', 'critical'] },
          expiresAt: later(HOUR_MS),
        });
        const token = await store().createToken(input);
        expect(token).toMatchObject({
          name: input.name,
          role: 'ingest',
          sources: ['security', 'logs'],
          scope: { source: ['security'], severity: ['high', 'critical'] },
          createdBy: 'admin',
          expiresAt: later(HOUR_MS),
          lastUsedAt: null,
          revokedAt: null,
        });
        expect(token).not.toHaveProperty('secretHash');
        expect(await store().getToken(token.id)).toEqual(token);
        expect(await store().findTokenBySecretHash(input.secretHash)).toEqual(token);
        expect(await store().findTokenBySecretHash(secret())).toBeNull();
        expect((await store().listTokens()).map((t) => t.id)).toContain(token.id);
      });

      it('lists tokens newest first', async () => {
        const first = await store().createToken(newToken());
        const second = await store().createToken(newToken());
        expect(second.createdAt.getTime()).toBeGreaterThanOrEqual(first.createdAt.getTime());
        const listed = (await store().listTokens()).filter((t) => t.id === first.id || t.id === second.id);
        // Two tokens created in one millisecond share their instant: the id breaks the tie.
        const newestFirst = [first, second].sort(
          (a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1),
        );
        expect(listed.map((t) => t.id)).toEqual(newestFirst.map((t) => t.id));
      });

      it('refuses a bad role, source or scope with ValidationError', async () => {
        const bad: Partial<NewToken>[] = [
          { role: 'root' as 'admin' },
          { sources: ['nowhere' as 'logs'] },
          { scope: { colour: ['red'] } as never },
          { scope: { severity: ['dire' as 'high'] } },
          { scope: { service: ['nul\u0000'] } },
          { name: '' },
        ];
        for (const overrides of bad) {
          await expect(store().createToken(newToken(overrides))).rejects.toThrow(ValidationError);
        }
      });

      it('keeps the first revocation time', async () => {
        const token = await store().createToken(newToken());
        expect((await store().revokeToken(token.id, later(1000)))?.revokedAt).toEqual(later(1000));
        expect((await store().revokeToken(token.id, later(2000)))?.revokedAt).toEqual(later(1000));
        expect(await store().revokeToken('no-such-token', T0)).toBeNull();
      });

      it('touches lastUsedAt, never backwards', async () => {
        const token = await store().createToken(newToken());
        await store().touchToken(token.id, later(2000));
        await store().touchToken(token.id, later(1000));
        expect((await store().getToken(token.id))?.lastUsedAt).toEqual(later(2000));
      });
    });

    describe('sessions', () => {
      it('finds a live session with its user', async () => {
        const user = await newUser();
        const { session, secretHash } = await newSession(user.id);
        expect(session).toMatchObject({ userId: user.id, expiresAt: later(HOUR_MS), revokedAt: null });
        const found = await store().findSession(secretHash, T0);
        expect(found?.session).toEqual(session);
        expect(found?.user).toMatchObject({ id: user.id, username: user.username, role: user.role });
        expect(await store().findSession(secret(), T0)).toBeNull();
      });

      it('finds no session that is expired, revoked, or of a disabled user', async () => {
        const user = await newUser();
        const expiring = await newSession(user.id, later(1000));
        expect(await store().findSession(expiring.secretHash, later(999))).not.toBeNull();
        expect(await store().findSession(expiring.secretHash, later(1000))).toBeNull();

        const revoked = await newSession(user.id);
        await store().revokeSession(revoked.session.id, T0);
        expect(await store().findSession(revoked.secretHash, T0)).toBeNull();

        const other = await newUser();
        const disabled = await newSession(other.id);
        await store().updateUser(other.id, { disabled: true }, T0);
        expect(await store().findSession(disabled.secretHash, T0)).toBeNull();
      });

      it('refuses a session for a user that does not exist', async () => {
        await expect(
          store().createSession({
            userId: 'gone',
            secretHash: secret(),
            expiresAt: later(HOUR_MS),
            ip: null,
            userAgent: null,
          }),
        ).rejects.toMatchObject({ code: ERROR_CODES.notFound });
      });
    });

    describe('sign-in links', () => {
      it('works once, before it expires', async () => {
        const user = await newUser('admin');
        const link = secret();
        await store().createSignInLink({ secretHash: link, userId: user.id, expiresAt: later(HOUR_MS) });
        expect(await store().consumeSignInLink(link, T0)).toBe(user.id);
        expect(await store().consumeSignInLink(link, T0)).toBeNull();

        const stale = secret();
        await store().createSignInLink({ secretHash: stale, userId: user.id, expiresAt: later(1000) });
        expect(await store().consumeSignInLink(stale, later(1000))).toBeNull();
        expect(await store().consumeSignInLink(secret(), T0)).toBeNull();
      });

      it('lets exactly one of many concurrent uses win', async () => {
        const user = await newUser('admin');
        const link = secret();
        await store().createSignInLink({ secretHash: link, userId: user.id, expiresAt: later(HOUR_MS) });
        // Warm a pool first: eight open connections make the eight uses really overlap.
        await Promise.all(Array.from({ length: 8 }, () => store().countUsers()));
        const results = await Promise.all(
          Array.from({ length: 8 }, () => store().consumeSignInLink(link, T0)),
        );
        expect(results.filter((r) => r === user.id)).toHaveLength(1);
        expect(results.filter((r) => r === null)).toHaveLength(7);
      });
    });

    describe('invalidCredentials', () => {
      it('returns exactly the ids that are no longer valid, for each reason', async () => {
        const user = await newUser();
        const live = await newSession(user.id);
        const expired = await newSession(user.id, later(1000));
        const revoked = await newSession(user.id);
        await store().revokeSession(revoked.session.id, T0);
        const other = await newUser();
        const ofDisabled = await newSession(other.id);
        await store().updateUser(other.id, { disabled: true }, T0);
        const gone = await newUser();
        const ofDeleted = await newSession(gone.id);
        await store().deleteUser(gone.id);

        const token = await store().createToken(newToken());
        const noExpiry = await store().createToken(newToken({ expiresAt: null }));
        const expiredToken = await store().createToken(newToken({ expiresAt: later(1000) }));
        const revokedToken = await store().createToken(newToken());
        await store().revokeToken(revokedToken.id, T0);

        const valid = [live.session.id, token.id, noExpiry.id];
        const invalid = [
          expired.session.id,
          revoked.session.id,
          ofDisabled.session.id,
          ofDeleted.session.id,
          expiredToken.id,
          revokedToken.id,
          'never-existed',
          'nul\u0000',
        ];
        const result = await store().invalidCredentials(
          [...valid, ...invalid, invalid[0] as string],
          later(1000),
        );
        expect(result.sort()).toEqual([...invalid].sort());
        expect(await store().invalidCredentials([], T0)).toEqual([]);
      });
    });
  });
}
