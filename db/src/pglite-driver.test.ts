import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { makeAlert } from './alert-fixtures.ts';
import { openDatabase } from './open-database.ts';

const logger = pino({ level: 'silent' });

describe('openDatabase without a url (PGlite)', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  });

  // Two PGlite starts (seconds each on a busy machine) in one test.
  it('persists alerts in <dataDir>/pg across restarts, creating the directories', {
    timeout: 60_000,
  }, async () => {
    const root = await mkdtemp(join(tmpdir(), 'vigil-db-'));
    dirs.push(root);
    const dataDir = join(root, 'nested', 'data');
    const alert = makeAlert();

    const first = await openDatabase({ dataDir, logger });
    expect(first.driver).toBe('pglite');
    expect(first.target).toBe(`PGlite in ${join(dataDir, 'pg')}`);
    expect(await first.store.insertAlerts([alert])).toBe(1);
    await first.close();
    await first.close();
    expect(existsSync(join(dataDir, 'pg', 'PG_VERSION'))).toBe(true);

    // Reopening re-runs the migrator, which must find nothing left to apply.
    const second = await openDatabase({ dataDir, logger });
    try {
      expect(await second.store.getAlert(alert.id)).toEqual(alert);
      // PGlite has no autovacuum: the driver analyzes after enough inserts, or the planner flies blind.
      const many = Array.from({ length: 1500 }, (_, n) => makeAlert({ id: `bulk-${n}` }));
      await second.store.insertAlerts(many);
      const stats = await second.db.execute(
        sql`SELECT reltuples::float8 AS n FROM pg_class WHERE relname = 'alerts'`,
      );
      expect((stats as unknown as { rows: { n: number }[] }).rows[0]?.n).toBe(1501);
    } finally {
      await second.close();
    }
  });
});
