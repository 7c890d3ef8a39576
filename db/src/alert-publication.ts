import type { Alert } from '@vigil/core';
import { sql } from 'drizzle-orm';
import { alertColumns, fromRow } from './alert-row.ts';
import type { PublishedRevision } from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';
import { alerts } from './schema.ts';

/** Unpublished changes one sweep call returns at most. */
export const DEFAULT_UNPUBLISHED_LIMIT = 500;

/**
 * Records that these revisions are on the alerts topic (AlertStore.markPublished): `published_revision`
 * only rises, so a late mark of an older revision never hides a newer change; `published_at` keeps the
 * first publication. Unknown ids are skipped.
 */
export async function markPublished(
  db: VigilDatabase,
  published: readonly PublishedRevision[],
  publishedAt: string,
): Promise<void> {
  if (published.length === 0) return;
  await db.execute(sql`
    UPDATE ${alerts} AS a
    SET published_at = coalesce(a.published_at, ${publishedAt}::timestamptz),
        published_revision = greatest(a.published_revision, p.revision)
    FROM jsonb_to_recordset(${JSON.stringify(published)}::jsonb) AS p(id text, revision int)
    WHERE a.id = p.id`);
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
