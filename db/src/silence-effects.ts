import { type Alert, compareIds, SYSTEM_ACTOR } from '@vigil/core';
import { and, inArray, ne, sql } from 'drizzle-orm';
import { alertColumns, fromRow, type StoredAlertRow } from './alert-row.ts';
import type { VigilDatabase } from './database.ts';
import { arrayLiteral } from './event-insert.ts';
import { alertActivity, alerts, type SilenceRow, silences } from './schema.ts';
import { alertMatches, matchersOf, type Queryable, silenceRowMatchesAlert } from './silence-rows.ts';

// How silences change alerts (DESIGN "Episodes and lifecycle": silencedBy, revision): only unresolved
// episodes, each change with revision + 1 and an activity entry. A resolved episode keeps the silencedBy it
// had when it resolved, so expiring a silence never sends old alerts out again. changed_at is left alone: a
// silence says nothing about whether the episode still fires, so it must not postpone auto-resolve.

/** Unresolved episodes the sweep refreshes per call at most; it is called again while it returns that many. */
export const DEFAULT_SWEEP_LIMIT = 500;

const unresolved = ne(alerts.status, 'resolved');

interface Entry {
  alertId: string;
  actor: string;
  action: 'silenced' | 'unsilenced';
  note: string;
}

async function record(tx: Queryable, entries: Entry[], at: Date): Promise<void> {
  if (entries.length > 0) await tx.insert(alertActivity).values(entries.map((e) => ({ ...e, at })));
}

/**
 * A new silence that is active now: its id joins the silencedBy of every unresolved episode it matches
 * (kept sorted), each recorded as `silenced` by the silence's author with its comment.
 */
export async function applySilence(tx: Queryable, silence: SilenceRow, at: Date): Promise<Alert[]> {
  const rows = await tx
    .update(alerts)
    .set({
      silencedBy: sql`array(select x from unnest(${alerts.silencedBy} || ${silence.id}::text) as x order by x collate "C")`,
      revision: sql`${alerts.revision} + 1`,
    })
    .where(
      and(
        unresolved,
        alertMatches(matchersOf(silence)),
        sql`not (${silence.id}::text = any(${alerts.silencedBy}))`,
      ),
    )
    .returning(alertColumns);
  await record(
    tx,
    rows.map((row) => ({
      alertId: row.id,
      actor: silence.createdBy,
      action: 'silenced',
      note: silence.comment,
    })),
    at,
  );
  return rows.map(fromRow);
}

/** A silence expired by `actor`: its id leaves the silencedBy of every unresolved episode holding it. */
export async function liftSilence(
  tx: Queryable,
  silence: SilenceRow,
  actor: string,
  at: Date,
): Promise<Alert[]> {
  const rows = await tx
    .update(alerts)
    .set({
      silencedBy: sql`array_remove(${alerts.silencedBy}, ${silence.id}::text)`,
      revision: sql`${alerts.revision} + 1`,
    })
    .where(and(unresolved, sql`${silence.id}::text = any(${alerts.silencedBy})`))
    .returning(alertColumns);
  await record(
    tx,
    rows.map((row) => ({ alertId: row.id, actor, action: 'unsilenced', note: silence.comment })),
    at,
  );
  return rows.map(fromRow);
}

/**
 * The sweep (AlertStore.refreshSilenced): unresolved episodes whose silencedBy differs from the silences
 * active at `now` get the active ones (revision + 1), a `silenced` entry per silence that started (by its
 * author) and an `unsilenced` one per silence that stopped applying (by who expired it, or "system" when it
 * ended). One statement compares every unresolved episode with the active silences (few) and writes only
 * those that differ; it also repairs what a fold racing a create or an expire got wrong.
 */
export async function refreshSilenced(
  db: VigilDatabase,
  options: { now: number; limit?: number },
): Promise<Alert[]> {
  const at = new Date(options.now);
  const now = sql`${at.toISOString()}::timestamptz`;
  const limit = options.limit ?? DEFAULT_SWEEP_LIMIT;
  return db.transaction(async (tx) => {
    const expected = sql`coalesce((select array_agg(s.id order by s.id collate "C") from ${silences} s
      where s.starts_at <= ${now} and s.ends_at > ${now} and ${silenceRowMatchesAlert('s')}), '{}'::text[])`;
    const due = await tx.execute<{ id: string; before: string[]; after: string[] }>(sql`
      select ${alerts.id} as id, ${alerts.silencedBy} as before, ${expected} as after
      from ${alerts} where ${alerts.status} <> 'resolved' and ${alerts.silencedBy} is distinct from ${expected}
      order by ${alerts.id} limit ${limit}`);
    const changes = rowsOf<{ id: string; before: unknown }>(due);
    if (changes.length === 0) return [];
    const ids = changes.map((c) => c.id);
    // A concurrent change may have got there first: the row is written only if it still differs.
    const rows: StoredAlertRow[] = await tx
      .update(alerts)
      .set({ silencedBy: sql`${expected}`, revision: sql`${alerts.revision} + 1` })
      .where(and(inArray(alerts.id, ids), unresolved, sql`${alerts.silencedBy} is distinct from ${expected}`))
      .returning(alertColumns);
    const before = new Map(changes.map((c) => [c.id, toArray(c.before)]));
    const touched = new Set<string>();
    for (const row of rows) for (const id of [...before.get(row.id)!, ...row.silencedBy]) touched.add(id);
    const known =
      touched.size === 0
        ? []
        : await tx
            .select()
            .from(silences)
            .where(sql`${silences.id} = any(${arrayLiteral([...touched])}::text[])`);
    const byId = new Map(known.map((s) => [s.id, s]));
    const entries: Entry[] = [];
    for (const row of rows) {
      const was = before.get(row.id)!;
      for (const id of row.silencedBy.filter((id) => !was.includes(id)).sort(compareIds)) {
        const silence = byId.get(id);
        if (silence)
          entries.push({
            alertId: row.id,
            actor: silence.createdBy,
            action: 'silenced',
            note: silence.comment,
          });
      }
      for (const id of was.filter((id) => !row.silencedBy.includes(id)).sort(compareIds)) {
        const silence = byId.get(id);
        entries.push({
          alertId: row.id,
          actor: silence?.expiredBy ?? SYSTEM_ACTOR,
          action: 'unsilenced',
          note: silence?.comment ?? `silence ${id}`,
        });
      }
    }
    await record(tx, entries, at);
    return rows.map(fromRow);
  });
}

/** Rows of `execute` on either driver: node-postgres answers `{rows}`, PGlite too (drizzle wraps both alike). */
function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/** A text[] from a raw query: both drivers parse it to an array; a literal `{a,b}` is parsed defensively. */
function toArray(value: unknown): string[] {
  if (Array.isArray(value)) return value as string[];
  if (typeof value === 'string' && value.startsWith('{')) {
    const inner = value.slice(1, -1);
    return inner === '' ? [] : inner.split(',').map((s) => s.replace(/^"|"$/g, ''));
  }
  return [];
}
