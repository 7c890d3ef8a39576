import { type Database, openDatabase } from '@vigil/db';
import { createTestDatabase, describeWith, services, type TestDatabase } from '@vigil/harness';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { noWebSockets, refuseUpgrades } from '../fanout/testing/no-websockets.ts';
import { authFor, bearer } from '../fanout/testing/test-identities.ts';
import { createUwsServer, type UwsServer } from '../transport/uws-server.ts';
import { makeRouter } from './testing/router-fixture.ts';

/** A cursor as the store encodes one (base64url of `[detectedAt ISO, id]`), with any content. */
const cursor = (iso: string, id = 'a1') => Buffer.from(JSON.stringify([iso, id])).toString('base64url');
const nul = encodeURIComponent('\u0000');

// Every request a careless or hostile client can make that once reached PostgreSQL and came back as a 500
// (year 0000 or U+0000 refused by the database, dates JavaScript cannot print): each must be a 400 that
// names the parameter, decided before the store is asked.
const CASES: [target: string, parameter: string][] = [
  ['/api/alerts?from=0000-01-01T00:00:00Z', 'from'],
  ['/api/alerts?to=0000-01-01T00:00:00Z', 'to'],
  ['/api/stats/summary?from=0000-01-01T00:00:00Z', 'from'],
  ['/api/stats/summary?to=0000-01-01T00:00:00Z', 'to'],
  ['/api/services?from=0000-01-01T00:00:00Z', 'from'],
  ['/api/services?to=0000-01-01T00:00:00Z', 'to'],
  // `to` near year 0: the default `from` (one hour earlier) would fall before year 1.
  ['/api/stats/timeline?to=0001-01-01T00:30:00Z', 'to'],
  // A valid `to` whose default `from` falls before the supported range.
  ['/api/stats/timeline?to=1970-01-01T00:30:00Z', 'from'],
  [`/api/alerts?cursor=${cursor('0000-01-01T00:00:00.000Z')}`, 'cursor'],
  [`/api/alerts?cursor=${cursor('-000001-01-01T00:00:00.000Z')}`, 'cursor'],
  [`/api/alerts?cursor=${cursor('+275760-09-13T00:00:00.000Z')}`, 'cursor'],
  [`/api/alerts?service=${nul}`, 'service'],
  [`/api/alerts?ruleId=a${nul}b`, 'ruleId'],
  [`/api/alerts?userId=${nul}`, 'userId'],
  ['/api/alerts/%00', 'id'],
  [`/api/alerts?cursor=${cursor('2030-01-01T00:00:00.000Z', 'a\u0000b')}`, 'cursor'],
  // The activity trail's cursor (`[at ISO, "<rank>:<key>"]`), for an alert that exists or not.
  [`/api/alerts/a1/activity?cursor=${cursor('0000-01-01T00:00:00.000Z', '3:1')}`, 'cursor'],
  [`/api/alerts/a1/activity?cursor=${cursor('2030-01-01T00:00:00.000Z', '1:a\u0000b')}`, 'cursor'],
  [`/api/alerts/a1/activity?cursor=${cursor('2030-01-01T00:00:00.000Z', '3:x')}`, 'cursor'],
  ['/api/alerts/%00/activity', 'id'],
];

// Skipped (with the harness saying why) only when this run has no PostgreSQL; never under CI=true.
describeWith(['postgres'])('user input never gets a 500 (gateway over PostgreSQL, real sockets)', () => {
  const logger = pino({ level: 'silent' });
  let testDb: TestDatabase;
  let database: Database;
  let server: UwsServer;
  let base: string;
  let viewer: { headers: Record<string, string> };

  beforeAll(async () => {
    testDb = await createTestDatabase(services().postgres!.url, 'gateway-input');
    database = await openDatabase({ url: testDb.url, logger });
    // The real auth over the same database: requests carry a viewer token made through the identity store.
    const fixture = await authFor(database, { logger });
    viewer = { headers: bearer((await fixture.createToken('viewer')).secret) };
    const { router } = makeRouter({ store: database.store, auth: fixture.auth });
    server = createUwsServer({
      host: '127.0.0.1',
      port: 0,
      http: router,
      ws: noWebSockets,
      admitUpgrade: refuseUpgrades,
      logger,
    });
    base = `http://127.0.0.1:${(await server.start()).port}`;
  });
  afterAll(async () => {
    await server?.stop();
    await database?.close();
    await testDb?.drop();
  });

  it.each(CASES)('GET %s → 400 naming %s', async (target, parameter) => {
    const response = await fetch(`${base}${target}`, viewer);
    const body = (await response.json()) as { error: string; details?: { parameter?: string } };
    expect(response.status).toBe(400);
    expect(body.details?.parameter).toBe(parameter);
  });
});
