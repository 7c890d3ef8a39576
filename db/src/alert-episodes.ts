import { type Alert, type Silence, SYSTEM_ACTOR, silencedBy } from '@vigil/core';
import { type AnyColumn, and, eq, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import { alertColumns, fromRow, type StoredAlertRow, toRow } from './alert-row.ts';
import type { Firing, FoldedFiring, FoldResult, ResolveIdleOptions } from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';
import { arrayLiteral } from './event-insert.ts';
import { alertActivity, alertFirings, alerts, type NewAlertRow } from './schema.ts';
import { activeSilences } from './silence-rows.ts';

// ~35 parameters per episode row and 2 per firing row: both stay far below PostgreSQL's 65,535 per statement.
const EPISODE_ROWS_PER_STATEMENT = 1000;
const FIRING_ROWS_PER_STATEMENT = 5000;
/** Auto-resolve takes at most this many episodes per call: one call's statement and publish stay bounded. */
export const DEFAULT_RESOLVE_LIMIT = 500;

type Tx = Parameters<Parameters<VigilDatabase['transaction']>[0]>[0];

const groupKey = (alert: Alert) => `${alert.ruleId}\u0000${alert.key}`;
const timeOf = (alert: Alert) => Date.parse(alert.eventTime);
const iso = (ms: number) => new Date(ms).toISOString();
const afterResolve = (instant: SQL | AnyColumn) =>
  sql`${instant} + ${alerts.resolveAfterMs} * interval '1 millisecond'`;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The firings of one rule and key in event-time order, cut wherever two firings are further apart than the
 * rule's resolveAfterMs: each run is one episode, the next one opened after the previous one resolved.
 */
function runsOf(firings: Firing[]): Firing[][] {
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

/**
 * The row that opens an episode for a run: the first firing's identity, evidence and timing, silenced by the
 * silences active now that match it (an update of an open episode takes the same silencedBy from it).
 */
function episodeRow(run: Firing[], at: Date, active: readonly Silence[]): NewAlertRow {
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

/** Inserts new episodes or folds runs into the open episode of their rule and key (one row per run). */
async function upsertEpisodes(tx: Tx, rows: NewAlertRow[]) {
  return tx
    .insert(alerts)
    .values(rows)
    .onConflictDoUpdate({
      target: [alerts.ruleId, alerts.key],
      targetWhere: sql`status <> 'resolved' and takes_firings`,
      set: {
        occurrences: sql.raw('alerts.occurrences + excluded.occurrences'),
        firstSeenAt: sql.raw('least(alerts.first_seen_at, excluded.first_seen_at)'),
        lastSeenAt: sql.raw('greatest(alerts.last_seen_at, excluded.last_seen_at)'),
        value: newer('value'),
        message: newer('message'),
        revision: sql.raw('alerts.revision + 1'),
        silencedBy: sql.raw('excluded.silenced_by'),
        resolveAfterMs: sql.raw('excluded.resolve_after_ms'),
        changedAt: sql.raw('excluded.changed_at'),
      },
    })
    .returning({ ...alertColumns, opened: sql<boolean>`(xmax = 0)` });
}

/**
 * An updated episode took silencedBy from the firing folded into it; where the stored episode's own fields
 * differ from the firing's (its service, user or severity from an older rule version), match on the stored
 * ones. Rare, so nothing is written unless a row differs.
 */
async function correctSilencedBy(
  tx: Tx,
  stored: (StoredAlertRow & { opened: boolean })[],
  active: readonly Silence[],
  nowMs: number,
): Promise<void> {
  const wrong = stored.flatMap((row) => {
    const expected = silencedBy(active, row, nowMs);
    const same =
      expected.length === row.silencedBy.length && expected.every((id, i) => row.silencedBy[i] === id);
    return same ? [] : [{ row, expected }];
  });
  for (const { row, expected } of wrong) {
    await tx.update(alerts).set({ silencedBy: expected }).where(eq(alerts.id, row.id));
    row.silencedBy = expected;
  }
}

const resolvedBySystem = (at: Date) => ({
  status: 'resolved' as const,
  resolvedAt: at,
  resolvedBy: SYSTEM_ACTOR,
  revision: sql`${alerts.revision} + 1`,
  changedAt: at,
});

/**
 * Event time: resolves the open episode of each run's rule and key whose last firing is more than its
 * resolveAfterMs before the run's first firing, so the run opens a new episode whether or not the
 * auto-resolve loop ran in between. A join on (rule_id, key), so each run costs one probe of the open-episode
 * index: an `exists` over the runs made PostgreSQL scan every unresolved episode (≈ 6 ms per fold at 10,000
 * open episodes). The runs of one call have distinct keys, so no row is matched twice.
 */
async function resolveBeforeRuns(tx: Tx, runs: Firing[][], at: Date): Promise<StoredAlertRow[]> {
  const firsts = runs.map((run) => run[0]!.alert);
  const gaps = sql`unnest(${arrayLiteral(firsts.map((a) => a.ruleId))}::text[], ${arrayLiteral(
    firsts.map((a) => a.key),
  )}::text[], ${arrayLiteral(firsts.map((a) => a.eventTime))}::timestamptz[]) as g(rule_id, key, first_at)`;
  return tx
    .update(alerts)
    .set(resolvedBySystem(at))
    .from(gaps)
    .where(
      and(
        // Qualified by hand: g's columns share the names rule_id and key.
        sql`alerts.rule_id = g.rule_id and alerts.key = g.key`,
        ne(alerts.status, 'resolved'),
        eq(alerts.takesFirings, true),
        sql`alerts.last_seen_at + alerts.resolve_after_ms * interval '1 millisecond' < g.first_at`,
      ),
    )
    .returning(alertColumns);
}

/**
 * Folds firings into episodes in one transaction (AlertStore.foldFirings). Each firing id is recorded first
 * (ON CONFLICT DO NOTHING): the row lock makes a concurrent fold of the same firing wait and then see it as a
 * duplicate. Episodes are upserted one row per rule and key and statement, in key order, so two folds lock
 * rows in the same order and a statement never touches a row twice.
 */
export async function foldFirings(
  db: VigilDatabase,
  batch: readonly Firing[],
  nowMs: number,
): Promise<FoldResult> {
  const unique = new Map<string, Firing>();
  for (const firing of batch) if (!unique.has(firing.alert.id)) unique.set(firing.alert.id, firing);
  if (unique.size === 0) return { firings: [], resolved: [] };
  for (const { alert } of unique.values()) toRow(alert); // validates before any statement
  const at = new Date(nowMs);

  const state = await db.transaction(async (tx) => {
    // One read of the active silences per fold (few rows, by the ends_at index): each episode written gets
    // the ids of those matching it now. A silence created or expired while this fold runs is set right by
    // the processor's sweep (AlertStore.refreshSilenced) at its next pass.
    const active = await activeSilences(tx, nowMs);
    const ids = [...unique.keys()].sort();
    const fresh = new Set<string>();
    for (const part of chunks(ids, FIRING_ROWS_PER_STATEMENT)) {
      const stored = await tx
        .insert(alertFirings)
        .values(part.map((id) => ({ firingId: id, eventTime: new Date(timeOf(unique.get(id)!.alert)) })))
        .onConflictDoNothing()
        .returning({ id: alertFirings.firingId });
      for (const { id } of stored) fresh.add(id);
    }

    const groups = new Map<string, Firing[]>();
    for (const id of fresh) {
      const firing = unique.get(id)!;
      const key = groupKey(firing.alert);
      const group = groups.get(key);
      if (group) group.push(firing);
      else groups.set(key, [firing]);
    }
    // rounds[r]: the r-th run of every rule and key, in key order.
    const rounds: Firing[][][] = [];
    for (const key of [...groups.keys()].sort()) {
      runsOf(groups.get(key)!).forEach((run, r) => {
        if (!rounds[r]) rounds[r] = [];
        rounds[r].push(run);
      });
    }

    const latest = new Map<string, StoredAlertRow>();
    const resolved: StoredAlertRow[] = [];
    const episodeOf = new Map<string, string>();
    const openedBy = new Set<string>();
    for (const runs of rounds) {
      for (const part of chunks(runs, EPISODE_ROWS_PER_STATEMENT)) {
        for (const row of await resolveBeforeRuns(tx, part, at)) {
          latest.set(row.id, row);
          resolved.push(row);
        }
        const stored = await upsertEpisodes(
          tx,
          part.map((run) => episodeRow(run, at, active)),
        );
        if (active.length > 0) await correctSilencedBy(tx, stored, active, nowMs);
        const byKey = new Map(
          stored.map(({ opened, ...row }) => [`${row.ruleId}\u0000${row.key}`, { opened, row }]),
        );
        const firingIds: string[] = [];
        const episodeIds: string[] = [];
        for (const run of part) {
          const { opened, row } = byKey.get(groupKey(run[0]!.alert))!;
          latest.set(row.id, row);
          if (opened) openedBy.add(run[0]!.alert.id);
          for (const { alert } of run) {
            episodeOf.set(alert.id, row.id);
            firingIds.push(alert.id);
            episodeIds.push(row.id);
          }
        }
        await tx.execute(sql`update ${alertFirings} set episode_id = g.episode_id
          from unnest(${arrayLiteral(firingIds)}::text[], ${arrayLiteral(episodeIds)}::text[]) as g(firing_id, episode_id)
          where ${alertFirings.firingId} = g.firing_id`);
      }
    }

    const duplicates = ids.filter((id) => !fresh.has(id));
    for (const part of chunks(duplicates, FIRING_ROWS_PER_STATEMENT)) {
      const rows = await tx
        .select({ ...alertColumns, firingId: alertFirings.firingId })
        .from(alertFirings)
        .innerJoin(alerts, eq(alerts.id, alertFirings.episodeId))
        .where(sql`${alertFirings.firingId} = any(${arrayLiteral(part)}::text[])`);
      for (const { firingId, ...row } of rows) {
        episodeOf.set(firingId, row.id);
        if (!latest.has(row.id)) latest.set(row.id, row);
      }
    }
    return { latest, resolved, episodeOf, openedBy, fresh };
  });

  const episodes = new Map([...state.latest].map(([id, row]) => [id, fromRow(row)]));
  const seen = new Set<string>();
  const firings: FoldedFiring[] = [];
  for (const { alert } of batch) {
    const episodeId = state.episodeOf.get(alert.id);
    // A firing recorded by a fold that failed half-way cannot exist (one transaction); skip defensively.
    if (episodeId === undefined) continue;
    const outcome =
      seen.has(alert.id) || !state.fresh.has(alert.id)
        ? 'duplicate'
        : state.openedBy.has(alert.id)
          ? 'opened'
          : 'updated';
    seen.add(alert.id);
    firings.push({ firingId: alert.id, outcome, episode: episodes.get(episodeId)! });
  }
  return { firings, resolved: state.resolved.map((row) => episodes.get(row.id) ?? fromRow(row)) };
}

/**
 * Auto-resolve (AlertStore.resolveIdle): unresolved episodes whose last firing is older than their
 * resolveAfterMs in their source's stream time (unless a person reopened them less than that ago), or whose
 * row has not changed for that long in wall-clock time. Rows another transaction holds (a fold in progress) are skipped this time, so concurrent callers
 * never wait on each other, and `status <> 'resolved'` makes each episode resolve once.
 */
export async function resolveIdle(db: VigilDatabase, options: ResolveIdleOptions): Promise<Alert[]> {
  const at = new Date(options.now);
  const due: SQL[] = [sql`${afterResolve(alerts.changedAt)} < ${at.toISOString()}::timestamptz`];
  // A person who reopened an episode said it is not over: its old last firing does not resolve it by stream
  // time until resolveAfterMs after the reopening (the wall-clock path already waits that long).
  const reopenedLately = sql`exists (select 1 from ${alertActivity} where ${alertActivity.alertId} = ${alerts.id}
    and ${alertActivity.action} = 'reopened' and ${afterResolve(alertActivity.at)} > ${at.toISOString()}::timestamptz)`;
  for (const [source, ms] of Object.entries(options.streamTimes ?? {})) {
    if (typeof ms !== 'number' || !Number.isFinite(ms)) continue;
    due.push(
      sql`(${alerts.source} = ${source} and ${afterResolve(alerts.lastSeenAt)} < ${iso(ms)}::timestamptz
        and not ${reopenedLately})`,
    );
  }
  const candidates = db
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(ne(alerts.status, 'resolved'), or(...due)))
    .orderBy(alerts.changedAt)
    .limit(options.limit ?? DEFAULT_RESOLVE_LIMIT)
    .for('update', { skipLocked: true });
  const rows = await db
    .update(alerts)
    .set(resolvedBySystem(at))
    .where(and(inArray(alerts.id, candidates), ne(alerts.status, 'resolved')))
    .returning(alertColumns);
  return rows.map(fromRow);
}
