import type { Alert } from '@vigil/core';
import { sql } from 'drizzle-orm';
import { alertColumns, fromRow } from './alert-row.ts';
import type { PublishedRevision } from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';
import { executePrepared } from './prepared-statement.ts';
import { alerts } from './schema.ts';

/** Unpublished changes one sweep call returns at most. */
export const DEFAULT_UNPUBLISHED_LIMIT = 500;

/**
 * Records that these revisions are on the alerts topic (AlertStore.markPublished): `published_revision`
 * only rises, so a late mark of an older revision never hides a newer change; `published_at` keeps the
 * first publication. Marks of one id are merged first: an UPDATE … FROM applies one joined row per target
 * row, whichever comes first, so two marks of one alert would otherwise record either. Unknown ids are skipped.
 */
export async function markPublished(
  db: VigilDatabase,
  published: readonly PublishedRevision[],
  publishedAt: string,
): Promise<void> {
  if (published.length === 0) return;
  await executePrepared(
    db,
    sql`
    UPDATE ${alerts} AS a
    SET published_at = coalesce(a.published_at, p.published_at),
        published_revision = greatest(a.published_revision, p.revision)
    FROM (
      SELECT id, max(revision) AS revision, min(coalesce(m."publishedAt", ${publishedAt}::timestamptz)) AS published_at
      FROM jsonb_to_recordset(${JSON.stringify(published)}::jsonb) AS m(id text, revision int, "publishedAt" timestamptz)
      GROUP BY id
    ) AS p
    WHERE a.id = p.id`,
  );
}

/**
 * Alerts whose stored revision is above the one last marked published (AlertStore.unpublishedChanges):
 * changes committed but not (yet) on the bus. Read through the partial index of such rows, oldest
 * change first.
 */
export async function unpublishedChanges(
  db: VigilDatabase,
  limit = DEFAULT_UNPUBLISHED_LIMIT,
): Promise<Alert[]> {
  const rows = await db
    .select(alertColumns)
    .from(alerts)
    .where(sql`${alerts.publishedRevision} < ${alerts.revision}`)
    .orderBy(alerts.changedAt)
    .limit(limit);
  return rows.map(fromRow);
}
