import type { Alert, AlertStatus } from '@vigil/core';
import { and, desc, eq, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { activity } from './alert-activity.ts';
import { rankEntities } from './alert-entities.ts';
import { type FoldHints, type FoldPath, foldFirings, resolveIdle } from './alert-episodes.ts';
import { addArchiveKeys } from './alert-evidence.ts';
import { filterConditions, parseLimit } from './alert-filters.ts';
import { checkNote, checkStatus, comment, reopenRace, statusChange, transition } from './alert-lifecycle.ts';
import { markPublished, unpublishedChanges } from './alert-publication.ts';
import { alertColumns, fromRow, toRow } from './alert-row.ts';
import { summarize, summarizeServices, timeline } from './alert-stats.ts';
import type { AlertPage, AlertQuery, AlertStore } from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';
import { guardOutage } from './db-errors.ts';
import { afterCursor, keysetPage } from './keyset.ts';
import { alerts } from './schema.ts';
import { refreshSilenced } from './silence-effects.ts';

export interface AlertStoreOptions {
  db: VigilDatabase;
  logger: Logger;
  /** Named in UnavailableError messages, e.g. "PostgreSQL at db:5432/vigil"; never a URL with a password. */
  target?: string;
  /** Told how many rows each insert added; awaited before the insert resolves. */
  afterInsert?: (inserted: number) => Promise<void>;
  /** Told which way each fold went (alert-episodes.ts): one statement, or the general transaction. */
  onFold?: (path: FoldPath) => void;
}

// 21 parameters per row: 1000 rows stay far below PostgreSQL's 65,535 bind parameters per statement.
const INSERT_BATCH_ROWS = 1000;

/** The alert store over Drizzle; the same code serves node-postgres and PGlite. */
export function createAlertStore(options: AlertStoreOptions): AlertStore {
  const { db } = options;
  const logger = options.logger.child({ module: 'alert-store' });
  const target = options.target ?? 'the database';
  const guard = <T>(what: string, run: () => Promise<T>) => guardOutage(what, target, run);
  const foldHints: FoldHints = { silencedUntil: 0 };

  return {
    insertAlerts: (batch) =>
      guard('insert alerts', async () => {
        const rows = batch.map(toRow);
        let inserted = 0;
        // Chunks commit one by one; a retry after a failure part-way re-inserts nothing already stored.
        for (let i = 0; i < rows.length; i += INSERT_BATCH_ROWS) {
          const stored = await db
            .insert(alerts)
            .values(rows.slice(i, i + INSERT_BATCH_ROWS))
            .onConflictDoNothing({ target: alerts.id })
            .returning({ id: alerts.id });
          inserted += stored.length;
        }
        logger.debug({ offered: rows.length, inserted }, 'alerts inserted');
        if (inserted > 0) await options.afterInsert?.(inserted);
        return inserted;
      }),

    foldFirings: (firings, now = Date.now()) =>
      guard('fold firings', async () => {
        let path: FoldPath | undefined;
        const result = await foldFirings(db, firings, now, foldHints, (way) => {
          path = way;
          options.onFold?.(way);
        });
        const opened = result.firings.filter((f) => f.outcome === 'opened').length;
        logger.debug({ offered: firings.length, opened, path }, 'firings folded');
        if (opened > 0) await options.afterInsert?.(opened);
        return result;
      }),

    resolveIdle: (resolve) => guard('resolve idle episodes', () => resolveIdle(db, resolve)),

    refreshSilenced: (sweep) => guard('refresh silenced episodes', () => refreshSilenced(db, sweep)),

    addArchiveKeys: (updates) => guard('add archive keys', () => addArchiveKeys(db, updates)),

    markPublished: (published, publishedAt) =>
      guard('mark published', () => markPublished(db, published, publishedAt)),

    unpublishedChanges: (limit) => guard('read unpublished changes', () => unpublishedChanges(db, limit)),

    getAlert: (id) =>
      guard('get alert', async () => {
        const [row] = await db.select(alertColumns).from(alerts).where(eq(alerts.id, id)).limit(1);
        return row ? fromRow(row) : null;
      }),

    queryAlerts: async (query: AlertQuery = {}) => {
      // Validate before touching the database, so bad input is a ValidationError even during an outage.
      const limit = parseLimit(query.limit);
      const conditions = filterConditions(query);
      if (query.cursor !== undefined)
        conditions.push(afterCursor(alerts.detectedAt, alerts.id, query.cursor));
      return guard('query alerts', async (): Promise<AlertPage> => {
        const rows = await db
          .select(alertColumns)
          .from(alerts)
          .where(and(...conditions))
          .orderBy(desc(alerts.detectedAt), desc(alerts.id))
          .limit(limit + 1);
        return keysetPage(rows, limit, (row) => row, fromRow);
      });
    },

    summary: (range) => guard('summarize alerts', () => summarize(db, range)),
    timeline: (query) => guard('alert timeline', () => timeline(db, query)),
    services: (range) => guard('summarize services', () => summarizeServices(db, range)),
    entities: (query) => guard('rank entities', () => rankEntities(db, query)),

    updateStatus: async (id: string, status: AlertStatus, actor?: string) => {
      checkStatus(status);
      return guard('update alert status', async (): Promise<Alert | null> => {
        try {
          const [row] = await db
            .update(alerts)
            .set(statusChange(status, actor ?? null, new Date()))
            .where(eq(alerts.id, id))
            .returning(alertColumns);
          return row ? fromRow(row) : null;
        } catch (err) {
          throw reopenRace(err, [id]) ?? err;
        }
      });
    },

    transition: async (ids, status, actor, note, options = {}) => {
      const checked = checkNote(note);
      return guard('change alert status', async () => {
        try {
          return await transition(db, { ids, status, actor, note: checked, ...options });
        } catch (err) {
          throw reopenRace(err, ids) ?? err;
        }
      });
    },

    comment: (id, actor, note, now = Date.now()) =>
      guard('comment on alert', () => comment(db, id, actor, note, now)),

    activity: (id, query) => guard('alert activity', () => activity(db, id, query)),

    ping: () =>
      guard('ping', async () => {
        await db.execute(sql`select 1`);
      }),
  };
}
