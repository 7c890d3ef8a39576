import { type Database, openDatabase, schema } from '@vigil/db';
import { createTestDatabase, describeWith, services, type TestDatabase, waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRateLimits, DEFAULT_RATE_LIMITS, type RateLimits } from './rate-limits.ts';

// Two gateways = two RateLimits over one PostgreSQL: what one counts, the other sees.
describeWith(['postgres'])('rate limits shared by several gateways through PostgreSQL', () => {
  let testDb: TestDatabase;
  let database: Database;
  let gateways: [RateLimits, RateLimits];

  beforeAll(async () => {
    testDb = await createTestDatabase(services().postgres!.url, 'rate-limits');
    database = await openDatabase({ url: testDb.url, logger: pino({ level: 'silent' }) });
    const make = () =>
      createRateLimits(
        { ...DEFAULT_RATE_LIMITS, apiPerIp: 1_000, apiPerCredential: 10, loginFailuresPerUserAndIp: 3 },
        { kind: 'database', db: database.db, table: schema.rateLimits },
      );
    gateways = [make(), make()];
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('a credential that used its requests on one gateway is refused on the other (429 with Retry-After)', async () => {
    const [a, b] = gateways;
    for (let i = 0; i < 10; i += 1) expect((await a.check('api', 'token-1', '10.0.0.1')).allowed).toBe(true);
    expect((await a.check('api', 'token-1', '10.0.0.1')).allowed).toBe(false);
    // b learns the shared count at its first sync (≤ 100 ms): from then on, it refuses too.
    let refused: Awaited<ReturnType<RateLimits['check']>> | undefined;
    await waitFor(
      async () => {
        const decision = await b.check('api', 'token-1', '10.0.0.2');
        if (!decision.allowed) refused = decision;
        return !decision.allowed;
      },
      { message: 'the second gateway refuses the credential', intervalMs: 20 },
    );
    expect(refused!.headers['retry-after']).toMatch(/^\d+$/);
    const rows = await database.db.select().from(schema.rateLimits);
    expect(rows.some((r) => r.key.includes('token-1'))).toBe(true);
  });

  it('failed logins of a username from one IP lock it on every gateway; another IP is not locked', async () => {
    const [a, b] = gateways;
    for (let i = 0; i < 3; i += 1) await a.loginFailed('alice', '10.0.0.9');
    expect((await b.loginVerdict('alice', '10.0.0.9')).lockedForSeconds).toBeGreaterThan(0);
    expect((await b.loginVerdict('alice', '10.0.0.10')).lockedForSeconds).toBe(0);
    await b.loginSucceeded('alice', '10.0.0.9');
    expect((await a.loginVerdict('alice', '10.0.0.9')).lockedForSeconds).toBe(0);
  });
});
