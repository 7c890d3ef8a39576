import { ConfigError } from '@vigil/core/config';
import { type Database, openDatabase } from '@vigil/db';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_USERNAME, bootstrapIdentities, SIGN_IN_LINK_TTL_MS, signInUrl } from './bootstrap.ts';
import { verifyPassword } from './passwords.ts';
import { hashSecret } from './secrets.ts';

// Each test starts from an empty database, as a first `npm start` does.
const NOW = Date.UTC(2030, 0, 1, 12);
let open: Database | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
}, 30_000);

async function emptyDatabase(): Promise<Database> {
  open = await openDatabase({ logger: pino({ level: 'silent' }) });
  return open;
}

const start = (db: Database, env: { adminPassword?: string; adminToken?: string } = {}, now = NOW) =>
  bootstrapIdentities({
    identities: db.identities,
    audit: db.audit,
    logger: pino({ level: 'silent' }),
    now: () => now,
    ...env,
  });

const PASSWORD = 'a long admin password';
const TOKEN = `vgl_${'t'.repeat(40)}`;

describe('bootstrapIdentities', { timeout: 60_000 }, () => {
  it('on a first run with nothing set, creates admin without a password and a one-time link that works once', async () => {
    const db = await emptyDatabase();
    const { signInSecret } = await start(db);
    expect(signInSecret).toMatch(/^vgo_/);
    const admin = await db.identities.findUserByUsername(ADMIN_USERNAME);
    expect(admin).toMatchObject({ role: 'admin', passwordHash: null, disabled: false });
    expect(await db.identities.consumeSignInLink(hashSecret(signInSecret!), new Date(NOW + 1))).toBe(
      admin?.id,
    );
    expect(await db.identities.consumeSignInLink(hashSecret(signInSecret!), new Date(NOW + 2))).toBeNull();
    const actions = (await db.audit.list()).items.map((e) => e.action).sort();
    expect(actions).toEqual(['auth.sign_in_link_created', 'user.create']);
    expect(signInUrl('http://localhost:8080', 'vgo_a+b')).toBe(
      'http://localhost:8080/api/auth/sign-in?token=vgo_a%2Bb',
    );
  });

  it('gives the link 24 hours', async () => {
    const db = await emptyDatabase();
    const { signInSecret } = await start(db);
    expect(
      await db.identities.consumeSignInLink(hashSecret(signInSecret!), new Date(NOW + SIGN_IN_LINK_TTL_MS)),
    ).toBeNull();
  });

  it('prints a new link on each start while admin has no password, and none once it has one', async () => {
    const db = await emptyDatabase();
    const first = await start(db);
    const second = await start(db);
    expect(second.signInSecret).not.toBe(first.signInSecret);
    expect(await db.identities.countUsers()).toBe(1);
    const admin = await db.identities.findUserByUsername(ADMIN_USERNAME);
    await db.identities.updateUser(admin!.id, { passwordHash: 'set' }, new Date(NOW));
    expect((await start(db)).signInSecret).toBeNull();
  });

  it('creates no admin when other users exist', async () => {
    const db = await emptyDatabase();
    await db.identities.createUser({ username: 'alice', role: 'admin', passwordHash: 'x' });
    expect(await start(db)).toEqual({ signInSecret: null });
    expect(await db.identities.findUserByUsername(ADMIN_USERNAME)).toBeNull();
  });

  describe('VIGIL_ADMIN_PASSWORD', () => {
    it('creates admin with that password, and no link', async () => {
      const db = await emptyDatabase();
      expect(await start(db, { adminPassword: PASSWORD })).toEqual({ signInSecret: null });
      const admin = await db.identities.findUserByUsername(ADMIN_USERNAME);
      expect(admin?.role).toBe('admin');
      expect(await verifyPassword(admin!.passwordHash, PASSWORD)).toBe(true);
    });

    it('updates an existing admin (and re-enables and re-promotes it) when the value changed, else leaves it', async () => {
      const db = await emptyDatabase();
      await start(db, { adminPassword: PASSWORD });
      const admin = await db.identities.findUserByUsername(ADMIN_USERNAME);
      await start(db, { adminPassword: PASSWORD });
      expect((await db.identities.findUserByUsername(ADMIN_USERNAME))?.passwordHash).toBe(
        admin?.passwordHash,
      );
      await db.identities.updateUser(admin!.id, { role: 'viewer', disabled: true }, new Date(NOW));
      await start(db, { adminPassword: 'another admin password' });
      const updated = await db.identities.findUserByUsername(ADMIN_USERNAME);
      expect(updated).toMatchObject({ role: 'admin', disabled: false });
      expect(await verifyPassword(updated!.passwordHash, 'another admin password')).toBe(true);
      const audit = await db.audit.list({ action: 'user.update' });
      expect(audit.items[0]?.after).toMatchObject({ passwordChanged: true, source: 'VIGIL_ADMIN_PASSWORD' });
    });

    it('refuses a short one as a configuration error', async () => {
      const db = await emptyDatabase();
      await expect(start(db, { adminPassword: 'short' })).rejects.toBeInstanceOf(ConfigError);
      expect(await db.identities.countUsers()).toBe(0);
    });
  });

  describe('VIGIL_ADMIN_TOKEN', () => {
    it('creates an admin token with exactly that secret, once', async () => {
      const db = await emptyDatabase();
      expect(await start(db, { adminToken: TOKEN })).toEqual({ signInSecret: null });
      await start(db, { adminToken: TOKEN });
      const tokens = await db.identities.listTokens();
      expect(tokens).toHaveLength(1);
      expect(tokens[0]).toMatchObject({ name: 'VIGIL_ADMIN_TOKEN', role: 'admin', createdBy: 'system' });
      expect((await db.identities.findTokenBySecretHash(hashSecret(TOKEN)))?.id).toBe(tokens[0]?.id);
      // A token alone creates no user and no link: automation needs none.
      expect(await db.identities.countUsers()).toBe(0);
    });

    it('does not bring back a token an admin revoked', async () => {
      const db = await emptyDatabase();
      await start(db, { adminToken: TOKEN });
      const [token] = await db.identities.listTokens();
      await db.identities.revokeToken(token!.id, new Date(NOW));
      await start(db, { adminToken: TOKEN });
      expect((await db.identities.getToken(token!.id))?.revokedAt).not.toBeNull();
      expect(await db.identities.listTokens()).toHaveLength(1);
    });

    it.each([
      ['short', 'x'.repeat(31)],
      ['too long', 'x'.repeat(129)],
      ['with a space', `${'x'.repeat(20)} ${'x'.repeat(20)}`],
      ['non-ASCII', 'é'.repeat(40)],
    ])('refuses one %s as a configuration error', async (_, secret) => {
      const db = await emptyDatabase();
      await expect(start(db, { adminToken: secret })).rejects.toBeInstanceOf(ConfigError);
      expect(await db.identities.listTokens()).toEqual([]);
    });
  });
});
