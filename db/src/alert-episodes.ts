import type { Alert } from '@vigil/core';
import { type AnyColumn, and, inArray, ne, or, type SQL, sql } from 'drizzle-orm';
import { alertColumns, fromRow, toRow } from './alert-row.ts';
import type { Firing, FoldedFiring, FoldResult, ResolveIdleOptions } from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';
import { type FoldState, mergeFoldState, resolvedBySystem, roundsOf } from './episode-rows.ts';
import { foldInOneStatement, ONE_STATEMENT_MAX, oneStatementRows } from './fold-one-statement.ts';
import { foldInTransaction } from './fold-transaction.ts';
import { alertActivity, alerts } from './schema.ts';

/** Auto-resolve takes at most this many episodes per call: one call's statement and publish stay bounded. */
export const DEFAULT_RESOLVE_LIMIT = 500;

const iso = (ms: number) => new Date(ms).toISOString();
const afterResolve = (instant: SQL | AnyColumn) =>
  sql`${instant} + ${alerts.resolveAfterMs} * interval '1 millisecond'`;

/** Which way a fold went (AlertStoreOptions.onFold): for metrics and for tests that a path really ran. */
export type FoldPath = 'one-statement' | 'one-statement-then-transaction' | 'transaction';

/**
 * Per store: until when folds skip the one-statement attempt because silences are active (it would decline,
 * and the general fold would run anyway). Only a hint: the statement itself checks the silences.
 */
export interface FoldHints {
  silencedUntil: number;
}

/**
 * Folds firings into episodes (AlertStore.foldFirings), atomically and idempotently by firing id. The common
 * case (one run per rule and key, nothing seen before, no active silence) goes in one statement
 * (fold-one-statement.ts); everything else, or what that statement declines or leaves, in one transaction
 * (fold-transaction.ts). Both write the same rows.
 */
export async function foldFirings(
  db: VigilDatabase,
  batch: readonly Firing[],
  nowMs: number,
  hints: FoldHints = { silencedUntil: 0 },
  onFold?: (path: FoldPath) => void,
): Promise<FoldResult> {
  const unique = new Map<string, Firing>();
  for (const firing of batch) if (!unique.has(firing.alert.id)) unique.set(firing.alert.id, firing);
  if (unique.size === 0) return { firings: [], resolved: [] };
  for (const { alert } of unique.values()) toRow(alert); // validates before any statement

  let state: FoldState | null = null;
  let rest: ReadonlyMap<string, Firing> = unique;
  const rounds = roundsOf(unique.values());
  const runs = rounds[0]!;
  const rows =
    rounds.length === 1 &&
    nowMs >= hints.silencedUntil &&
    unique.size <= ONE_STATEMENT_MAX.firings &&
    runs.length <= ONE_STATEMENT_MAX.episodes
      ? oneStatementRows(runs, new Date(nowMs))
      : null;
  if (rows) {
    const fast = await foldInOneStatement(db, runs, rows, nowMs);
    if (fast.kind === 'folded') {
      onFold?.('one-statement');
      return foldResult(batch, fast.state);
    }
    if (fast.kind === 'partial') [state, rest] = [fast.state, fast.remaining];
  }
  const general = await foldInTransaction(db, rest, nowMs);
  // Active silences: the next folds go straight to the transaction until the first of them ends.
  hints.silencedUntil =
    general.active.length === 0 ? 0 : Math.min(...general.active.map((s) => Date.parse(s.endsAt)));
  onFold?.(state ? 'one-statement-then-transaction' : 'transaction');
  return foldResult(batch, state ? mergeFoldState(state, general) : general);
}

/** The fold's answer: one entry per firing offered, in order, each with its episode's latest state. */
function foldResult(batch: readonly Firing[], state: FoldState): FoldResult {
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
