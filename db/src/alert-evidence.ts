import { sql } from 'drizzle-orm';
import type { ArchiveKeyUpdate } from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';

/** Evidence of an alert stored without any, so that keys can still be attached (core's Evidence shape). */
const EMPTY_EVIDENCE = JSON.stringify({ refs: [], eventIds: [], archiveKeys: [] });

/** Merges updates per alert (keys in first-seen order, each once), sorted by id for a stable lock order. */
function mergeUpdates(updates: readonly ArchiveKeyUpdate[]): { id: string; keys: string[] }[] {
  const byId = new Map<string, Set<string>>();
  for (const update of updates) {
    const keys = byId.get(update.id) ?? new Set<string>();
    for (const key of update.archiveKeys) keys.add(key);
    byId.set(update.id, keys);
  }
  return [...byId]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, keys]) => ({ id, keys: [...keys] }));
}

/**
 * Appends archive keys to `evidence.archiveKeys` in one statement: keys already there are kept and not
 * repeated, so replaying an update is a no-op; ids with no stored alert are skipped.
 */
export async function addArchiveKeys(db: VigilDatabase, updates: readonly ArchiveKeyUpdate[]): Promise<void> {
  const merged = mergeUpdates(updates).filter((u) => u.keys.length > 0);
  if (merged.length === 0) return;
  await db.execute(sql`
    UPDATE alerts AS a
    SET evidence = jsonb_set(
      coalesce(a.evidence, ${EMPTY_EVIDENCE}::jsonb),
      '{archiveKeys}',
      coalesce(a.evidence -> 'archiveKeys', '[]'::jsonb) || coalesce((
        SELECT jsonb_agg(k.key ORDER BY k.ord)
        FROM jsonb_array_elements_text(u.keys) WITH ORDINALITY AS k(key, ord)
        WHERE NOT coalesce(a.evidence -> 'archiveKeys', '[]'::jsonb) ? k.key
      ), '[]'::jsonb)
    )
    FROM jsonb_to_recordset(${JSON.stringify(merged)}::jsonb) AS u(id text, keys jsonb)
    WHERE a.id = u.id`);
}
