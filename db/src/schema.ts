import type { AlertStatus, Evidence, Severity, Source } from '@vigil/core';
import { sql } from 'drizzle-orm';
import {
  check,
  customType,
  doublePrecision,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';

// Values repeated here rather than imported from core so drizzle-kit loads this file on its own;
// the contract suite checks that every core severity, source and status round-trips.
const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));
const SEVERITY_VALUES = ['info', 'low', 'medium', 'high', 'critical'];
const SOURCE_VALUES = ['logs', 'metrics', 'transactions', 'security'];
const STATUS_VALUES = ['open', 'acknowledged', 'resolved'];

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

// Millisecond instants in, Date out: JS dates carry milliseconds, so keyset cursors built from them are exact.
const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** One row per anomaly (core's Alert); `id` is deterministic, so redelivered alerts are dropped on conflict. */
export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    ruleId: text('rule_id').notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    source: text('source').$type<Source>().notNull(),
    title: text('title').notNull(),
    message: text('message').notNull(),
    service: text('service'),
    userId: text('user_id'),
    key: text('key').notNull(),
    value: doublePrecision('value').notNull(),
    threshold: doublePrecision('threshold'),
    eventTime: instant('event_time').notNull(),
    detectedAt: instant('detected_at').notNull(),
    status: text('status').$type<AlertStatus>().notNull().default('open'),
    windowStart: instant('window_start'),
    windowEnd: instant('window_end'),
    ingestedAt: instant('ingested_at'),
    publishedAt: instant('published_at'),
    evidence: jsonb('evidence').$type<Evidence>(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    // 'simple' keeps words as written (no stemming, no stop words): service names, hosts and ids stay searchable.
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(sql`to_tsvector('simple', title || ' ' || message)`),
  },
  (t) => {
    // Every list query is "newest first" keyset pagination, so each filter index ends in (detected_at, id),
    // in the exact order of `ORDER BY detected_at DESC, id DESC` (DESC means NULLS FIRST).
    // A fresh pair per index: the builders are mutable, so one shared pair would lose its DESC.
    const newestFirst = () => [t.detectedAt.desc().nullsFirst(), t.id.desc().nullsFirst()] as const;
    return [
      index('alerts_detected_at_id_idx').on(...newestFirst()),
      index('alerts_severity_detected_at_idx').on(t.severity, ...newestFirst()),
      index('alerts_source_detected_at_idx').on(t.source, ...newestFirst()),
      index('alerts_service_detected_at_idx').on(t.service, ...newestFirst()),
      index('alerts_rule_id_detected_at_idx').on(t.ruleId, ...newestFirst()),
      index('alerts_user_id_detected_at_idx').on(t.userId, ...newestFirst()),
      index('alerts_status_detected_at_idx').on(t.status, ...newestFirst()),
      index('alerts_search_idx').using('gin', t.search),
      check('alerts_severity_check', sql`${t.severity} in (${inList(SEVERITY_VALUES)})`),
      check('alerts_source_check', sql`${t.source} in (${inList(SOURCE_VALUES)})`),
      check('alerts_status_check', sql`${t.status} in (${inList(STATUS_VALUES)})`),
    ];
  },
);

export type AlertRow = typeof alerts.$inferSelect;
export type NewAlertRow = typeof alerts.$inferInsert;
