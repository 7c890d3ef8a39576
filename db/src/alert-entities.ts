import { type Alert, type AlertFilter, type Severity, ValidationError } from '@vigil/core';
import { and, gte, inArray, isNotNull, lte, type SQL, sql } from 'drizzle-orm';
import { scopeConditions } from './alert-filters.ts';
import { alertColumns, fromRow } from './alert-row.ts';
import type { VigilDatabase } from './database.ts';
import { alerts } from './schema.ts';

export const ENTITY_KINDS = ['user', 'ip', 'service', 'host'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

/** The risk formula's constants (gateway README "Entities and risk"): what an alert weighs and how it fades. */
export const RISK = {
  /** Each severity step doubles an alert's weight: one critical outweighs fifteen info alerts. */
  weights: { info: 1, low: 2, medium: 4, high: 8, critical: 16 } satisfies Record<Severity, number>,
  /** An alert counts half after this long, a quarter after twice as long. */
  halfLifeMs: 6 * 3_600_000,
  /** Alerts older than this do not count at all (by then they weigh 1/16). */
  windowMs: 24 * 3_600_000,
} as const;

/**
 * An episode weighs more the more often it fired, but with diminishing returns: × (1 + log2 occurrences),
 * so 8 firings weigh 4×, 1,000 about 11×. A persistent attacker folded into one episode still outranks
 * someone seen once, while one noisy rule cannot bury every other entity.
 */
const occurrencesFactor = sql`(1 + log(2, greatest(${alerts.occurrences}, 1)::numeric))::float8`;
/** Most entities one request ranks; default 10. */
export const MAX_ENTITIES = 100;
/** Recent alerts returned per entity. */
export const ALERTS_PER_ENTITY = 5;

export interface EntityQuery {
  kind: EntityKind;
  /** The instant ages are measured from (the gateway's clock). */
  now: Date;
  limit?: number;
  /** Only alerts passing this filter count (a token's scope). */
  scope?: AlertFilter;
}

export interface EntityRisk {
  kind: EntityKind;
  value: string;
  /** Σ weight(severity) · (1 + log2 occurrences) · 0.5^(age / halfLife) over the window's alerts, rounded to 0.01. */
  score: number;
  alertCount: number;
  lastAlertAt: string;
  /** The newest ALERTS_PER_ENTITY of its alerts in the window, newest first. */
  recentAlerts: Alert[];
}

/** user → the alert's userId, service → its service, host and ip → the rule key `host=…` / `ip=…`. */
const entityOf = (kind: EntityKind): SQL<string | null> => {
  if (kind === 'user') return sql`${alerts.userId}`;
  if (kind === 'service') return sql`${alerts.service}`;
  // Literals, not parameters (kind is one of ENTITY_KINDS): the partition expression must read the same each time.
  const prefix = `${kind}=`;
  return sql`case when ${alerts.key} like ${sql.raw(`'${prefix}%'`)} then substr(${alerts.key}, ${sql.raw(String(prefix.length + 1))}) end`;
};

const weightOf = sql.raw(
  `case severity ${Object.entries(RISK.weights)
    .map(([s, w]) => `when '${s}' then ${w}`)
    .join(' ')} end`,
);

/** Entities of one kind ranked by risk over the last RISK.windowMs, each with its recent alerts. */
export async function rankEntities(db: VigilDatabase, query: EntityQuery): Promise<EntityRisk[]> {
  if (!ENTITY_KINDS.includes(query.kind)) {
    throw new ValidationError(`kind must be one of ${ENTITY_KINDS.join(', ')}`, {
      details: { kind: query.kind },
    });
  }
  const limit = query.limit ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ENTITIES) {
    throw new ValidationError(`limit must be an integer from 1 to ${MAX_ENTITIES}`, { details: { limit } });
  }
  const now = query.now;
  const entity = entityOf(query.kind);
  const where = and(
    gte(alerts.detectedAt, new Date(now.getTime() - RISK.windowMs)),
    lte(alerts.detectedAt, now),
    isNotNull(entity),
    ...scopeConditions(query.scope),
  );
  const ageMs = sql`extract(epoch from (${now.toISOString()}::timestamptz - ${alerts.detectedAt})) * 1000`;
  const score =
    sql<number>`sum(${weightOf} * ${occurrencesFactor} * power(0.5, ${ageMs} / ${RISK.halfLifeMs}))::float8`.mapWith(
      Number,
    );
  const ranked = await db
    .select({
      value: sql<string>`${entity}`.as('entity'),
      score,
      alertCount: sql<number>`count(*)::int`.mapWith(Number),
      lastMs: sql<number>`(extract(epoch from max(${alerts.detectedAt})) * 1000)::float8`.mapWith(Number),
    })
    .from(alerts)
    .where(where)
    // By position: the score holds a parameter (now), so repeating its expression would not match the SELECT's.
    .groupBy(sql`1`)
    .orderBy(sql`2 desc, 1`)
    .limit(limit);
  if (ranked.length === 0) return [];

  const inWindow = db
    .select({
      ...alertColumns,
      entity: sql<string>`${entity}`.as('entity'),
      rank: sql<number>`row_number() over (partition by ${entity} order by ${alerts.detectedAt} desc, ${alerts.id} desc)`.as(
        'rank',
      ),
    })
    .from(alerts)
    .where(
      and(
        where,
        inArray(
          entity,
          ranked.map((r) => r.value),
        ),
      ),
    )
    .as('in_window');
  const recent = await db.select().from(inWindow).where(lte(inWindow.rank, ALERTS_PER_ENTITY));
  const byEntity = new Map<string, Alert[]>();
  for (const { entity: value, rank: _rank, ...row } of recent) {
    const list = byEntity.get(value) ?? [];
    list.push(fromRow(row));
    byEntity.set(value, list);
  }
  return ranked.map((r) => ({
    kind: query.kind,
    value: r.value,
    score: Math.round(r.score * 100) / 100,
    alertCount: r.alertCount,
    lastAlertAt: new Date(r.lastMs).toISOString(),
    recentAlerts: (byEntity.get(r.value) ?? []).sort((a, b) => b.detectedAt.localeCompare(a.detectedAt)),
  }));
}
