import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { StoredAlertRow } from './alert-row.ts';
import type { Firing } from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';
import { hasSqlState, isConstraintViolation } from './db-errors.ts';
import {
  columnName,
  EPISODE_ROWS_PER_STATEMENT,
  emptyFoldState,
  episodeRow,
  FIRING_ROWS_PER_STATEMENT,
  FOLD_INTO_OPEN_EPISODE,
  type FoldState,
  groupKey,
  OPEN_EPISODE_TARGET,
  RETURNING_EPISODE,
  resolveDueBefore,
  storedEpisodeOf,
  timeOf,
} from './episode-rows.ts';
import { arrayLiteral } from './event-insert.ts';
import { rowsOf } from './notifications/notification-ids.ts';
import { executePrepared } from './prepared-statement.ts';
import { alertFirings, alerts, type NewAlertRow, silences } from './schema.ts';
import { stateCondition } from './silence-rows.ts';

/** Bounds of one statement (the transaction's per-statement bounds): beyond them the transaction folds in parts. */
export const ONE_STATEMENT_MAX = { firings: FIRING_ROWS_PER_STATEMENT, episodes: EPISODE_ROWS_PER_STATEMENT };

export type OneStatementFold =
  /** Every firing folded; `state` is the whole fold. */
  | { kind: 'folded'; state: FoldState }
  /** Some runs met an open episode to resolve first: those firings are untouched, the rest folded. */
  | { kind: 'partial'; state: FoldState; remaining: Map<string, Firing> }
  /** Nothing written: an active silence, or a firing seen before (a replay, a concurrent fold of it). */
  | { kind: 'declined'; reason: 'silenced' | 'seen' };

const COLUMNS = getTableColumns(alerts);
type AlertKey = keyof typeof COLUMNS;

/** `name type, …` of the row's columns, for jsonb_to_recordset. */
const recordType = (keys: readonly AlertKey[]): SQL =>
  sql.raw(keys.map((key) => `${COLUMNS[key].name} ${COLUMNS[key].getSQLType()}`).join(', '));

const finite = (row: NewAlertRow) =>
  Number.isFinite(row.value) && (row.threshold == null || Number.isFinite(row.threshold));

/**
 * The rows of a fold's one run per rule and key, or null when the one-statement fold cannot take them (a value
 * JSON cannot carry: NaN and ±Infinity become null there).
 */
export function oneStatementRows(runs: readonly Firing[][], at: Date): NewAlertRow[] | null {
  const rows = runs.map((run) => episodeRow(run, at, []));
  return rows.every(finite) ? rows : null;
}

/**
 * The common fold in one statement, so one round trip and atomic without a transaction (each round trip of
 * the general fold costs milliseconds on a busy machine, and this is on every alert's path). It takes the
 * case of every alert in steady state: each rule and key has one run, no firing was seen before, no silence
 * is active. The CTEs, all on one snapshot:
 *
 * - `guard`: is a silence active, was a firing recorded before? Either, and nothing is written (the general
 *   fold does it). A silence created after this snapshot is the race the general fold has too (the sweep).
 * - `upserted`: the runs' rows, inserted or folded into their open episode exactly as the general fold
 *   does, except that an open episode whose last firing is more than resolveAfterMs before the run (it must
 *   be resolved first, and one statement cannot change a row twice) is left alone: that run is `remaining`.
 * - `linked`: each firing recorded with its episode. No ON CONFLICT: a concurrent fold that recorded the
 *   same firing after the snapshot makes this a unique violation, the whole statement rolls back, and the
 *   caller folds in a transaction, where it is a duplicate.
 *
 * Run by run it writes what the general fold writes, so a `partial` fold followed by the general fold of the
 * remaining firings ends where one general fold would.
 */
export async function foldInOneStatement(
  db: VigilDatabase,
  runs: readonly Firing[][],
  rows: readonly NewAlertRow[],
  nowMs: number,
): Promise<OneStatementFold> {
  const keys = Object.keys(rows[0]!) as AlertKey[];
  const records = rows.map((row) =>
    Object.fromEntries(keys.map((key) => [COLUMNS[key].name, row[key as keyof NewAlertRow] ?? null])),
  );
  const firings = runs
    .flat()
    .map(({ alert }) => ({
      firing_id: alert.id,
      event_time: new Date(timeOf(alert)).toISOString(),
      rule_id: alert.ruleId,
      key: alert.key,
    }))
    .sort((a, b) => (a.firing_id < b.firing_id ? -1 : 1)); // the general fold's lock order
  const columns = sql.raw(keys.map((key) => COLUMNS[key].name).join(', '));
  const foldSet = sql.join(
    Object.entries(FOLD_INTO_OPEN_EPISODE).map(
      ([key, value]) => sql`${sql.identifier(columnName(key))} = ${value}`,
    ),
    sql`, `,
  );
  const statement = sql`
    with guard as (
      select
        exists (select 1 from ${silences} where ${stateCondition('active', nowMs)}) as silenced,
        exists (select 1 from ${alertFirings}
          where ${alertFirings.firingId} = any(${arrayLiteral(firings.map((f) => f.firing_id))}::text[])) as seen
    ),
    upserted as (
      insert into ${alerts} (${columns})
      select ${columns} from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(${recordType(keys)})
      where not (select silenced or seen from guard)
      on conflict (rule_id, key) where ${OPEN_EPISODE_TARGET.targetWhere}
      do update set ${foldSet}
        where not (${resolveDueBefore(sql.raw('excluded.first_seen_at'))})
      returning ${RETURNING_EPISODE}
    ),
    linked as (
      insert into ${alertFirings} (firing_id, event_time, episode_id)
      select f.firing_id, f.event_time, u.id
      from jsonb_to_recordset(${JSON.stringify(firings)}::jsonb)
        as f(firing_id text, event_time timestamptz, rule_id text, key text)
      join upserted u on u.rule_id = f.rule_id and u.key = f.key
      order by f.firing_id
      returning 1
    )
    select g.silenced, g.seen, u.* from guard g left join upserted u on true`;

  let answer: Record<string, unknown>[];
  try {
    answer = rowsOf(await executePrepared(db, statement));
  } catch (err) {
    // A concurrent fold of the same firing, or of the same episodes in another order: nothing was written.
    if (isConstraintViolation(err, '23505', 'alert_firings_pkey') || hasSqlState(err, '40P01'))
      return { kind: 'declined', reason: 'seen' };
    throw err;
  }
  const head = answer[0]!;
  if (head.silenced === true) return { kind: 'declined', reason: 'silenced' };
  if (head.seen === true) return { kind: 'declined', reason: 'seen' };

  const stored = answer.filter((raw) => raw.id != null).map(storedEpisodeOf);
  const byKey = new Map(stored.map((row) => [groupKey(row), row]));
  const state: FoldState = emptyFoldState();
  const remaining = new Map<string, Firing>();
  for (const run of runs) {
    const found = byKey.get(groupKey(run[0]!.alert));
    if (!found) {
      for (const firing of run) remaining.set(firing.alert.id, firing);
      continue;
    }
    const { opened, ...row } = found;
    state.latest.set(row.id, row as StoredAlertRow);
    if (opened) state.openedBy.add(run[0]!.alert.id);
    for (const { alert } of run) {
      state.episodeOf.set(alert.id, row.id);
      state.fresh.add(alert.id);
    }
  }
  return remaining.size === 0 ? { kind: 'folded', state } : { kind: 'partial', state, remaining };
}
