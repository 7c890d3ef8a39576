import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createAlertStore } from './alert-store.ts';
import type { VigilDatabase } from './database.ts';
import { MIGRATIONS_FOLDER } from './migrations-folder.ts';

/** A database with no migrations applied, and how to apply those of a folder. */
export interface UnmigratedDatabase {
  db: VigilDatabase;
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
}

/** A copy of the migrations folder whose journal stops before migration `idx` (drizzle reads only the journal). */
async function migrationsBefore(idx: number): Promise<{ folder: string; remove(): Promise<void> }> {
  const folder = await mkdtemp(join(tmpdir(), 'vigil-migrations-'));
  await cp(MIGRATIONS_FOLDER, folder, { recursive: true });
  const path = join(folder, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(path, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx < idx);
  await writeFile(path, JSON.stringify(journal));
  return { folder, remove: () => rm(folder, { recursive: true, force: true }) };
}

const oldAlert = (id: string, key: string, status: string, eventTime: string) => sql`
  insert into alerts (id, rule_id, severity, source, title, message, key, value, event_time, detected_at, status)
  values (${id}, 'metrics.latency-high', 'medium', 'metrics', 'High latency', 'slow', ${key}, 1500,
    ${eventTime}::timestamptz, ${eventTime}::timestamptz, ${status})`;

/** Migration 0007 on a database holding alerts from before episodes (one alert per firing). */
export function runEpisodesMigrationContract(name: string, open: () => Promise<UnmigratedDatabase>): void {
  describe(`migration 0007 (episodes): ${name}`, { timeout: 120_000 }, () => {
    it('turns old alerts into one-firing episodes, one per rule and key taking later firings', async () => {
      const raw = await open();
      const before = await migrationsBefore(7);
      try {
        await raw.migrate(before.folder);
        await raw.db.execute(oldAlert('old-1', 'host=web-1', 'open', '2030-01-01T00:00:00.000Z'));
        await raw.db.execute(oldAlert('old-2', 'host=web-1', 'open', '2030-01-01T00:00:01.000Z'));
        await raw.db.execute(oldAlert('old-3', 'host=web-1', 'resolved', '2030-01-01T00:00:02.000Z'));
        await raw.db.execute(oldAlert('old-4', 'host=web-2', 'acknowledged', '2030-01-01T00:00:03.000Z'));
        await raw.migrate(MIGRATIONS_FOLDER);

        const store = createAlertStore({
          db: raw.db,
          logger: pino({ level: 'silent' }),
        });
        const old = await store.getAlert('old-1');
        expect(old).toMatchObject({
          occurrences: 1,
          firstSeenAt: '2030-01-01T00:00:00.000Z',
          lastSeenAt: '2030-01-01T00:00:00.000Z',
          revision: 1,
          ruleVersion: 1,
          status: 'open',
          resolvedAt: null,
          resolvedBy: null,
          acknowledgedBy: null,
          silencedBy: [],
        });

        const firing = (id: string, key: string, eventTime: string) => ({
          alert: {
            ...old!,
            id,
            key,
            eventTime,
            detectedAt: eventTime,
            firstSeenAt: undefined,
            lastSeenAt: undefined,
          },
          resolveAfterMs: 300_000,
        });
        // A redelivered old alert is a firing already counted; a new firing folds into the newest open one.
        const folded = await store.foldFirings([
          firing('old-1', 'host=web-1', '2030-01-01T00:00:00.000Z'),
          firing('new-1', 'host=web-1', '2030-01-01T00:00:04.000Z'),
          firing('new-2', 'host=web-2', '2030-01-01T00:00:05.000Z'),
        ]);
        expect(folded.firings.map((f) => [f.outcome, f.episode.id, f.episode.occurrences])).toEqual([
          ['duplicate', 'old-1', 1],
          ['updated', 'old-2', 2],
          ['updated', 'old-4', 2],
        ]);
        expect((await store.getAlert('old-1'))?.occurrences).toBe(1);
        expect((await store.getAlert('old-3'))?.status).toBe('resolved');
      } finally {
        await before.remove();
        await raw.close();
      }
    });
  });
}
