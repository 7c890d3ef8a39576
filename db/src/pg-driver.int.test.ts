import { UnavailableError } from '@vigil/core';
import { createTestDatabase, describeWith, services, type TestDatabase } from '@vigil/harness';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from './open-database.ts';

const logger = pino({ level: 'silent' });

describeWith(['postgres'])('openDatabase with a PostgreSQL url', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await createTestDatabase(services().postgres!.url, 'db-driver');
  });
  afterAll(async () => {
    await testDb?.drop();
  });

  it('migrates once when several processes start together', async () => {
    const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ url: testDb.url, logger })));
    const client = new pg.Client({ connectionString: testDb.url });
    await client.connect();
    try {
      const applied = await client.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
      const journal = await import('../drizzle/meta/_journal.json', { with: { type: 'json' } });
      expect(applied.rows[0].n).toBe(journal.default.entries.length);
    } finally {
      await client.end();
    }
    for (const { store } of opened) await store.ping();
    await Promise.all(opened.map((d) => d.close()));
  });

  it('runs queries under a statement timeout and closes twice without error', async () => {
    const database = await openDatabase({ url: testDb.url, logger });
    const shown = await database.db.execute(sql`SHOW statement_timeout`);
    expect((shown as unknown as pg.QueryResult).rows[0]).toEqual({ statement_timeout: '30s' });
    await database.close();
    await database.close();
  });

  describe('when the database cannot be reached', () => {
    const withSecret = (url: string) => {
      const u = new URL(url);
      u.username = 'vigil';
      u.password = 'hunter2-secret';
      return u;
    };

    it('throws a retriable UnavailableError naming the server, without the password', async () => {
      const url = withSecret(testDb.url);
      url.port = '1'; // nothing listens on port 1 of the loopback
      const err = await openDatabase({ url: url.toString(), logger, connectTimeoutMs: 2000 }).catch((e) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect(err.retriable).toBe(true);
      expect(err.message).toContain(`PostgreSQL at ${url.hostname}:1${url.pathname}`);
      expect(err.message).not.toContain('hunter2');
      expect(err.cause).toBeInstanceOf(Error);
    });

    it('treats a missing database as unavailable too', async () => {
      const url = new URL(testDb.url);
      url.pathname = `/${testDb.name}_missing`;
      const err = await openDatabase({ url: url.toString(), logger }).catch((e) => e);
      expect(err).toBeInstanceOf(UnavailableError);
      expect(err.message).toContain(`${testDb.name}_missing could not be reached`);
    });
  });
});
