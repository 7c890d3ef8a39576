import { type Alert, type Silence, SYSTEM_ACTOR, silencedBy } from '@vigil/core';
import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import type { StoredAlertRow } from './alert-row.ts';
import { alertColumns, toRow } from './alert-row.ts';
import type { Firing } from './alert-store-port.ts';
import { alerts, type NewAlertRow } from './schema.ts';

/**
 * What both ways of folding (fold-transaction.ts, fold-one-statement.ts) share: how firings group into runs,
 * the row a run opens, and the upsert's conflict rule. One definition, so the two cannot drift apart.
 */

export const groupKey = (alert: Pick<Alert, 'ruleId' | 'key'>) => `${alert.ruleId}\u0000${alert.key}`;
export const timeOf = (alert: Alert) => Date.parse(alert.eventTime);

/**
 * The firings of one rule and key in event-time order, cut wherever two firings are further apart than the
 * rule's resolveAfterMs: each run is one episode, the next one opened after the previous one resolved.
 */
export function runsOf(firings: Firing[]): Firing[][] {
  const sorted = [...firings].sort(
    (a, b) => timeOf(a.alert) - timeOf(b.alert) || (a.alert.id < b.alert.id ? -1 : 1),
  );
  const runs: Firing[][] = [];
  let previous: Firing | undefined;
  for (const firing of sorted) {
    const gap = previous ? timeOf(firing.alert) - timeOf(previous.alert) : 0;
    if (!previous || gap > firing.resolveAfterMs) runs.push([firing]);
    else runs.at(-1)!.push(firing);
    previous = firing;
  }
  return runs;
}

/** rounds[r]: the r-th run of every rule and key among `firings`, in key order. */
export function roundsOf(firings: Iterable<Firing>): Firing[][][] {
  const groups = new Map<string, Firing[]>();
  for (const firing of firings) {
    const key = groupKey(firing.alert);
    const group = groups.get(key);
    if (group) group.push(firing);
    else groups.set(key, [firing]);
  }
  const rounds: Firing[][][] = [];
  for (const key of [...groups.keys()].sort()) {
    runsOf(groups.get(key)!).forEach((run, r) => {
      if (!rounds[r]) rounds[r] = [];
      rounds[r].push(run);
    });
  }
  return rounds;
}

/**
 * The row that opens an episode for a run: the first firing's identity, evidence and timing, silenced by the
 * silences active now that match it (an update of an open episode takes the same silencedBy from it).
 */
export function episodeRow(run: Firing[], at: Date, active: readonly Silence[]): NewAlertRow {
  const first = run[0]!;
  const last = run.at(-1)!;
  return {
    ...toRow(first.alert),
    status: 'open',
    value: last.alert.value,
    message: last.alert.message,
    occurrences: run.length,
    firstSeenAt: new Date(timeOf(first.alert)),
    lastSeenAt: new Date(timeOf(last.alert)),
    revision: 1,
    resolvedAt: null,
    resolvedBy: null,
    acknowledgedBy: null,
    silencedBy: active.length === 0 ? [] : silencedBy(active, first.alert, at.getTime()),
    resolveAfterMs: last.resolveAfterMs,
    takesFirings: true,
    changedAt: at,
  };
}

// A later firing's value and message replace the episode's; a late one (older than lastSeenAt) only counts.
const newer = (column: string) =>
  sql.raw(
    `case when excluded.last_seen_at >= alerts.last_seen_at then excluded.${column} else alerts.${column} end`,
  );

/** The open episode of a rule and key: the partial unique index a run's row conflicts on. */
export const OPEN_EPISODE_TARGET = {
  target: [alerts.ruleId, alerts.key],
  targetWhere: sql`status <> 'resolved' and takes_firings`,
};

/**
 * The open episode's last firing is more than its resolveAfterMs before `firstAt` (a run's first firing): it
 * must be resolved by event time, and the run opens a new episode.
 */
export const resolveDueBefore = (firstAt: SQL): SQL =>
  sql`alerts.last_seen_at + alerts.resolve_after_ms * interval '1 millisecond' < ${firstAt}`;

// ~35 parameters per episode row (the transaction's VALUES) and 2 per firing row: both stay far below
// PostgreSQL's 65,535 per statement. The one-statement fold takes at most as many.
export const EPISODE_ROWS_PER_STATEMENT = 1000;
export const FIRING_ROWS_PER_STATEMENT = 5000;

/** How a run folds into the open episode of its rule and key (ON CONFLICT … DO UPDATE SET). */
export const FOLD_INTO_OPEN_EPISODE = {
  occurrences: sql.raw('alerts.occurrences + excluded.occurrences'),
  firstSeenAt: sql.raw('least(alerts.first_seen_at, excluded.first_seen_at)'),
  lastSeenAt: sql.raw('greatest(alerts.last_seen_at, excluded.last_seen_at)'),
  value: newer('value'),
  message: newer('message'),
  revision: sql.raw('alerts.revision + 1'),
  silencedBy: sql.raw('excluded.silenced_by'),
  resolveAfterMs: sql.raw('excluded.resolve_after_ms'),
  changedAt: sql.raw('excluded.changed_at'),
} satisfies Partial<Record<keyof NewAlertRow, SQL>>;

const ALL_COLUMNS = getTableColumns(alerts);

/** The database name of an alerts column by its key in the Drizzle table. */
export const columnName = (key: string): string => {
  const column = ALL_COLUMNS[key as keyof typeof ALL_COLUMNS];
  if (!column) throw new Error(`alerts has no column ${key}`);
  return column.name;
};

/** `returning` of the episode columns by database name, plus whether the row was inserted. */
export const RETURNING_EPISODE = sql.join(
  [
    ...Object.values(alertColumns).map((column) => sql.identifier(column.name)),
    sql.raw('(xmax = 0) as opened'),
  ],
  sql`, `,
);

/** A row of RETURNING_EPISODE as the driver gave it, mapped as Drizzle maps its own selects. */
export function storedEpisodeOf(raw: Record<string, unknown>): StoredAlertRow & { opened: boolean } {
  const row: Record<string, unknown> = { opened: raw.opened === true };
  for (const [key, column] of Object.entries(alertColumns)) {
    const value = raw[column.name];
    row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return row as StoredAlertRow & { opened: boolean };
}

/** What a fold learned, by either way of folding; two of them (one per way) merge into one. */
export interface FoldState {
  /** Each episode touched, in its latest state. */
  latest: Map<string, StoredAlertRow>;
  /** Episodes resolved by event time. */
  resolved: StoredAlertRow[];
  /** Firing id → its episode's id (duplicates included). */
  episodeOf: Map<string, string>;
  /** Ids of the firings that opened their episode. */
  openedBy: Set<string>;
  /** Ids of the firings recorded by this fold (the others were seen before). */
  fresh: Set<string>;
}

export const emptyFoldState = (): FoldState => ({
  latest: new Map(),
  resolved: [],
  episodeOf: new Map(),
  openedBy: new Set(),
  fresh: new Set(),
});

/** `into` gains everything `from` learned (the two folded different firings). */
export function mergeFoldState(into: FoldState, from: FoldState): FoldState {
  for (const [id, row] of from.latest) into.latest.set(id, row);
  into.resolved.push(...from.resolved);
  for (const [firing, episode] of from.episodeOf) into.episodeOf.set(firing, episode);
  for (const id of from.openedBy) into.openedBy.add(id);
  for (const id of from.fresh) into.fresh.add(id);
  return into;
}

/** The change that resolves an episode on the system's behalf (by event time in a fold, or auto-resolve). */
export const resolvedBySystem = (at: Date) => ({
  status: 'resolved' as const,
  resolvedAt: at,
  resolvedBy: SYSTEM_ACTOR,
  revision: sql`${alerts.revision} + 1`,
  changedAt: at,
});
