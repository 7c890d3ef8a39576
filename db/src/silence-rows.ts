import {
  SILENCE_MATCHER_FIELDS,
  type Silence,
  type SilenceMatchers,
  type SilenceState,
  silenceState,
} from '@vigil/core';
import { and, gt, lte, type SQL, sql } from 'drizzle-orm';
import type { VigilDatabase } from './database.ts';
import { alerts, type SilenceRow, silences } from './schema.ts';

type Tx = Parameters<Parameters<VigilDatabase['transaction']>[0]>[0];
/** A database handle or an open transaction: the silence reads run in either. */
export type Queryable = VigilDatabase | Tx;

/** The matcher columns, in core's SILENCE_MATCHER_FIELDS order. */
export const MATCHER_COLUMNS = {
  ruleId: silences.ruleId,
  severity: silences.severity,
  source: silences.source,
  service: silences.service,
  key: silences.key,
  userId: silences.userId,
} as const;

/** The alerts column each matcher compares with. */
const ALERT_COLUMNS = {
  ruleId: alerts.ruleId,
  severity: alerts.severity,
  source: alerts.source,
  service: alerts.service,
  key: alerts.key,
  userId: alerts.userId,
} as const;

export function matchersOf(row: SilenceRow): SilenceMatchers {
  const matchers: SilenceMatchers = {};
  for (const field of SILENCE_MATCHER_FIELDS) {
    const value = row[field];
    if (value !== null) (matchers as Record<string, string>)[field] = value;
  }
  return matchers;
}

/** Row → core's Silence, with its state at `now`. */
export function silenceOf(row: SilenceRow, now: number): Silence {
  const startsAt = row.startsAt.toISOString();
  const endsAt = row.endsAt.toISOString();
  return {
    id: row.id,
    matchers: matchersOf(row),
    startsAt,
    endsAt,
    comment: row.comment,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiredBy: row.expiredBy,
    state: silenceState({ startsAt, endsAt }, now),
  };
}

const at = (now: number) => new Date(now);

/** Silences in `state` at `now`: active while starts_at ≤ now < ends_at. */
export function stateCondition(state: SilenceState, now: number): SQL {
  if (state === 'expired') return lte(silences.endsAt, at(now));
  if (state === 'pending') return and(gt(silences.startsAt, at(now)), gt(silences.endsAt, at(now)))!;
  return and(lte(silences.startsAt, at(now)), gt(silences.endsAt, at(now)))!;
}

/** The silences active at `now`, in one read through the ends_at index (the fold's and the sweep's). */
export async function activeSilences(db: Queryable, now: number): Promise<Silence[]> {
  const rows = await db.select().from(silences).where(stateCondition('active', now));
  return rows.map((row) => silenceOf(row, now));
}

/** The alerts (columns of `alerts`) whose fields equal every present matcher. */
export function alertMatches(matchers: SilenceMatchers): SQL {
  const conditions = SILENCE_MATCHER_FIELDS.flatMap((field) => {
    const value = matchers[field];
    return value === undefined ? [] : [sql`${ALERT_COLUMNS[field]} = ${value}`];
  });
  // No matcher matches nothing (validation refuses it; never silence everything by accident).
  return conditions.length === 0 ? sql`false` : and(...conditions)!;
}

/**
 * The SQL of "silence row `s` matches the alerts row in scope" for a correlated subquery (the sweep):
 * each matcher column null (not matched on) or equal to the alert's column.
 */
export function silenceRowMatchesAlert(s: string): SQL {
  const parts = SILENCE_MATCHER_FIELDS.map((field) => {
    const column = sql.raw(`${s}.${MATCHER_COLUMNS[field].name}`);
    return sql`(${column} is null or ${column} = ${ALERT_COLUMNS[field]})`;
  });
  return sql.join(parts, sql` and `);
}
