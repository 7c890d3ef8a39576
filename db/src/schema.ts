import type { AlertFilter, AlertStatus, Evidence, Severity, Source, TokenRole, UserRole } from '@vigil/core';
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

// Values repeated here rather than imported from core so drizzle-kit loads this file on its own;
// the contract suite checks that every core severity, source and status round-trips.
const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));
const SEVERITY_VALUES = ['info', 'low', 'medium', 'high', 'critical'];
const SOURCE_VALUES = ['logs', 'metrics', 'transactions', 'security'];
const STATUS_VALUES = ['open', 'acknowledged', 'resolved'];
const USER_ROLE_VALUES = ['viewer', 'operator', 'admin'];
const TOKEN_ROLE_VALUES = [...USER_ROLE_VALUES, 'ingest'];
const ACTOR_KIND_VALUES = ['user', 'token', 'system', 'anonymous'];
const OUTCOME_VALUES = ['success', 'failure'];

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
    // Episode fields (migration 0007): an alert row is one episode of a rule firing for one key.
    occurrences: integer('occurrences').notNull().default(1),
    firstSeenAt: instant('first_seen_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
    revision: integer('revision').notNull().default(1),
    ruleVersion: integer('rule_version').notNull().default(1),
    resolvedAt: instant('resolved_at'),
    resolvedBy: text('resolved_by'),
    acknowledgedBy: text('acknowledged_by'),
    silencedBy: text('silenced_by').array().notNull().default(sql`'{}'::text[]`),
    /** The rule's resolveAfterMs when it last fired: auto-resolve reads it from the row, not from the rules. */
    resolveAfterMs: integer('resolve_after_ms').notNull().default(300_000),
    /**
     * True for episodes opened by folding firings (AlertStore.foldFirings); false for alerts stored as given
     * (insertAlerts, rows from before migration 0007), which take no firings and are not in the index below.
     */
    takesFirings: boolean('takes_firings').notNull().default(false),
    /** Wall-clock time of the last change: auto-resolve on idleness when a source stops altogether. */
    changedAt: instant('changed_at').notNull().defaultNow(),
    /**
     * The highest revision known to be on the alerts topic (migration 0012): a row whose revision is above it
     * holds a change no gateway has heard of (a crash between commit and publish); the processor's sweep
     * publishes it (AlertStore.unpublishedChanges).
     */
    publishedRevision: integer('published_revision').notNull().default(0),
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
      index('alerts_key_detected_at_idx').on(t.key, ...newestFirst()),
      index('alerts_status_detected_at_idx').on(t.status, ...newestFirst()),
      index('alerts_search_idx').using('gin', t.search),
      // At most one unresolved episode per rule and key, whoever folds: the fold's ON CONFLICT target.
      uniqueIndex('alerts_open_episode_idx')
        .on(t.ruleId, t.key)
        .where(sql`${t.status} <> 'resolved' and ${t.takesFirings}`),
      // Auto-resolve scans only unresolved episodes (few), oldest change first.
      index('alerts_unresolved_changed_at_idx').on(t.changedAt).where(sql`${t.status} <> 'resolved'`),
      // Small by design (changes not yet on the bus): the unpublished-change sweep reads only these rows.
      index('alerts_unpublished_idx').on(t.id).where(sql`${t.publishedRevision} < ${t.revision}`),
      check('alerts_severity_check', sql`${t.severity} in (${inList(SEVERITY_VALUES)})`),
      check('alerts_source_check', sql`${t.source} in (${inList(SOURCE_VALUES)})`),
      check('alerts_status_check', sql`${t.status} in (${inList(STATUS_VALUES)})`),
    ];
  },
);

export type AlertRow = typeof alerts.$inferSelect;
export type NewAlertRow = typeof alerts.$inferInsert;

/**
 * Every firing ever folded into an episode, by its deterministic id (migration 0007): a redelivered firing
 * finds its row and is not counted again. `episode_id` is null only inside the transaction that folds it.
 */
export const alertFirings = pgTable(
  'alert_firings',
  {
    firingId: text('firing_id').primaryKey(),
    episodeId: text('episode_id').references(() => alerts.id, { onDelete: 'cascade' }),
    eventTime: instant('event_time').notNull(),
    foldedAt: instant('folded_at').notNull().defaultNow(),
  },
  (t) => [index('alert_firings_episode_id_idx').on(t.episodeId)],
);

// Repeated from core's RECORDED_ACTIONS for the same reason as the values above; the contract checks each.
const ACTIVITY_ACTION_VALUES = [
  'acknowledged',
  'resolved',
  'reopened',
  'commented',
  'silenced',
  'unsilenced', // migration 0009
  'notified',
];
/** core's MAX_NOTE_LENGTH (UTF-16 units there, characters here: a note that passes the gateway fits). */
const NOTE_MAX_CHARS = 2000;
/** Actor names are cut to this many characters before they are stored (as in the audit log). */
export const ACTOR_MAX_CHARS = 200;

/**
 * What people (and, later, silences and notifications) did to an alert (migration 0008). The trail's other
 * entries (opened, fired, auto-resolved) are derived from the alert and alert_firings when it is read.
 * `id` increases with insertion and breaks ties between entries of the same instant.
 */
export const alertActivity = pgTable(
  'alert_activity',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    alertId: text('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    at: instant('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    note: text('note'),
  },
  (t) => [
    // An alert's trail, newest first, as it is paged.
    index('alert_activity_alert_at_idx').on(t.alertId, t.at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    check('alert_activity_action_check', sql`${t.action} in (${inList(ACTIVITY_ACTION_VALUES)})`),
    check('alert_activity_note_check', sql`char_length(${t.note}) <= ${sql.raw(String(NOTE_MAX_CHARS))}`),
    check('alert_activity_actor_check', sql`char_length(${t.actor}) <= ${sql.raw(String(ACTOR_MAX_CHARS))}`),
  ],
);

/** core's MAX_MATCHER_LENGTH: a matcher value that passes the gateway fits. */
const MATCHER_MAX_CHARS = 200;

/**
 * Silences (migration 0009): an alert matching every present matcher column while starts_at ≤ now < ends_at
 * has the silence's id in its silenced_by. Expiring one by hand sets ends_at to that moment and records who;
 * nothing is deleted, so the list keeps what was silenced and by whom.
 */
export const silences = pgTable(
  'silences',
  {
    id: text('id').primaryKey(),
    // One value per matcher (core's SilenceMatchers); null: not matched on.
    ruleId: text('rule_id'),
    severity: text('severity').$type<Severity>(),
    source: text('source').$type<Source>(),
    service: text('service'),
    key: text('key'),
    userId: text('user_id'),
    startsAt: instant('starts_at').notNull(),
    endsAt: instant('ends_at').notNull(),
    comment: text('comment').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: instant('created_at').notNull(),
    expiredBy: text('expired_by'),
  },
  (t) => {
    const matchers = [t.ruleId, t.severity, t.source, t.service, t.key, t.userId];
    return [
      // The fold's and the sweep's "active now" reads only silences that have not ended (few), by ends_at.
      index('silences_ends_at_idx').on(t.endsAt),
      // The list, newest first.
      index('silences_created_at_id_idx').on(t.createdAt.desc().nullsFirst(), t.id.desc().nullsFirst()),
      check('silences_window_check', sql`${t.endsAt} > ${t.startsAt}`),
      check('silences_matcher_check', sql`num_nonnulls(${sql.join(matchers, sql`, `)}) > 0`),
      check('silences_severity_check', sql`${t.severity} in (${inList(SEVERITY_VALUES)})`),
      check('silences_source_check', sql`${t.source} in (${inList(SOURCE_VALUES)})`),
      check(
        'silences_matcher_length_check',
        sql`greatest(${sql.join(
          matchers.map((m) => sql`char_length(${m})`),
          sql`, `,
        )}) <= ${sql.raw(String(MATCHER_MAX_CHARS))}`,
      ),
      check(
        'silences_comment_check',
        sql`char_length(${t.comment}) between 1 and ${sql.raw(String(NOTE_MAX_CHARS))}`,
      ),
      check(
        'silences_created_by_check',
        sql`char_length(${t.createdBy}) <= ${sql.raw(String(ACTOR_MAX_CHARS))}`,
      ),
    ];
  },
);

export type SilenceRow = typeof silences.$inferSelect;

/** People who sign in to the dashboard. Usernames are unique ignoring case, and stored as given. */
export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    // argon2id PHC string; null for the first-run admin who signed in by a one-time link.
    passwordHash: text('password_hash'),
    role: text('role').$type<UserRole>().notNull(),
    disabled: boolean('disabled').notNull().default(false),
    createdAt: instant('created_at').notNull().defaultNow(),
    updatedAt: instant('updated_at').notNull().defaultNow(),
    lastLoginAt: instant('last_login_at'),
  },
  (t) => [
    // "Admin" and "admin" must not be two accounts: login looks them up by lower(username) through this index.
    uniqueIndex('users_username_lower_idx').on(sql`lower(${t.username})`),
    check('users_role_check', sql`${t.role} in (${inList(USER_ROLE_VALUES)})`),
  ],
);

/** API tokens for tools; only the SHA-256 of the secret is kept. Revoked ones stay, for the audit trail. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    role: text('role').$type<TokenRole>().notNull(),
    sources: jsonb('sources').$type<Source[]>(),
    scope: jsonb('scope').$type<AlertFilter>(),
    secretHash: text('secret_hash').notNull().unique('api_tokens_secret_hash_key'),
    createdBy: text('created_by').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
    expiresAt: instant('expires_at'),
    lastUsedAt: instant('last_used_at'),
    revokedAt: instant('revoked_at'),
  },
  (t) => [check('api_tokens_role_check', sql`${t.role} in (${inList(TOKEN_ROLE_VALUES)})`)],
);

/** Browser sessions (the cookie holds the secret, this table its hash); gone with their user. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    secretHash: text('secret_hash').notNull().unique('sessions_secret_hash_key'),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: instant('created_at').notNull().defaultNow(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  // Revoking a user's sessions (password, role or disabled changed) and the cascade look them up by user.
  (t) => [index('sessions_user_id_idx').on(t.userId)],
);

/** One-time sign-in links (the first-run URL): usable once, before they expire. */
export const signInLinks = pgTable('sign_in_links', {
  secretHash: text('secret_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: instant('expires_at').notNull(),
  usedAt: instant('used_at'),
});

/**
 * Who changed what. Append-only: migration 0002 adds a trigger that refuses UPDATE, DELETE and TRUNCATE.
 * `id` increases with insertion and breaks ties between entries of the same instant in page order.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint('id', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    at: instant('at').notNull(),
    actorKind: text('actor_kind').$type<'user' | 'token' | 'system' | 'anonymous'>().notNull(),
    actorId: text('actor_id'),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    ip: text('ip'),
    requestId: text('request_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    outcome: text('outcome').$type<'success' | 'failure'>().notNull(),
  },
  (t) => [
    // Newest first, as the list pages; the action index also serves prefixes (`auth.`) through LIKE.
    index('audit_log_at_id_idx').on(t.at.desc().nullsFirst(), t.id.desc().nullsFirst()),
    index('audit_log_action_at_idx').on(
      t.action.op('text_pattern_ops'),
      t.at.desc().nullsFirst(),
      t.id.desc().nullsFirst(),
    ),
    check('audit_log_actor_kind_check', sql`${t.actorKind} in (${inList(ACTOR_KIND_VALUES)})`),
    check('audit_log_outcome_check', sql`${t.outcome} in (${inList(OUTCOME_VALUES)})`),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type AuditRow = typeof auditLog.$inferSelect;

/**
 * Rate-limit counters every gateway shares in distributed mode: rate-limiter-flexible's Drizzle store keeps
 * one row per limited key (a token, an IP, a username) with its points and when the window ends.
 */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  points: integer('points').notNull().default(0),
  expire: timestamp('expire', { withTimezone: true, mode: 'date' }),
});

/**
 * Raw events for the explorer, written by the event indexer (its own consumer group, never the alert path).
 * `id` is the bus position plus the bus timestamp (`logs:0:42@1780000000000`): a redelivered message maps
 * to the same row, while a message that reuses an offset after its log was wiped does not. A plain table
 * swept by time (see the EventStore's pruneOlderThan); the filter columns are copied out of `event`.
 */
export const events = pgTable(
  'events',
  {
    id: text('id').primaryKey(),
    source: text('source').$type<Source>().notNull(),
    ts: instant('ts').notNull(),
    partition: integer('partition').notNull(),
    offset: bigint('offset', { mode: 'bigint' }).notNull(),
    service: text('service'),
    host: text('host'),
    userId: text('user_id'),
    ip: text('ip'),
    level: text('level'),
    action: text('action'),
    message: text('message'),
    // Metric values as columns: the timeseries aggregates them without reading the jsonb.
    cpu: doublePrecision('cpu'),
    memory: doublePrecision('memory'),
    latencyMs: doublePrecision('latency_ms'),
    errorRate: doublePrecision('error_rate'),
    event: jsonb('event').$type<Record<string, unknown>>().notNull(),
    search: tsvector('search').notNull().generatedAlwaysAs(sql`to_tsvector('simple', coalesce(message, ''))`),
  },
  (t) => {
    // Newest first, like alerts: each filter index ends in (ts, id) in the order of ORDER BY ts DESC, id DESC.
    // level and action are not indexed: each belongs to one source and has a handful of values, so the
    // source index narrows as much as an index of their own would. The field indexes are partial (only rows
    // that have the field; `col = any(…)` implies it) and the text index covers log messages only (the query
    // adds `message is not null`): an event updates 4 to 7 of the 8 indexes (primary key included) instead of
    // all 8, and index upkeep is most of the insert cost (bench/README, "Event store").
    const newestFirst = () => [t.ts.desc().nullsFirst(), t.id.desc().nullsFirst()] as const;
    const present = (column: typeof t.service) => sql`${column} is not null`;
    const fields = [
      ['events_service_ts_idx', t.service],
      ['events_host_ts_idx', t.host],
      ['events_user_id_ts_idx', t.userId],
      ['events_ip_ts_idx', t.ip],
    ] as const;
    return [
      index('events_ts_id_idx').on(...newestFirst()),
      index('events_source_ts_idx').on(t.source, ...newestFirst()),
      ...fields.map(([name, column]) =>
        index(name)
          .on(column, ...newestFirst())
          .where(present(column)),
      ),
      index('events_search_idx').using('gin', t.search).where(present(t.message)),
      check('events_source_check', sql`${t.source} in (${inList(SOURCE_VALUES)})`),
    ];
  },
);

export type EventRow = typeof events.$inferSelect;
export type NewEventRow = typeof events.$inferInsert;

// Repeated from core's RULE_CHANGES for the same reason as the values above; the contract checks each.
const RULE_CHANGE_VALUES = ['created', 'replaced', 'enabled', 'disabled', 'deleted', 'restored'];

/**
 * The rules in force (migration 0010): one row per rule id with its current version, as the rule store
 * keeps it (rule-store.ts). A deleted rule has no row here; its history stays in rule_versions.
 */
export const rules = pgTable(
  'rules',
  {
    id: text('id').primaryKey(),
    version: integer('version').notNull(),
    enabled: boolean('enabled').notNull(),
    /** The rule as given (processor/RULES.md format). */
    rule: jsonb('rule').$type<Record<string, unknown>>().notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [check('rules_version_check', sql`${t.version} >= 1`)],
);

/**
 * Every version of every rule, never updated or deleted (migration 0010). `seq` orders all changes across
 * rules: the change feed a processor polls (`changesSince`) reads it.
 */
export const ruleVersions = pgTable(
  'rule_versions',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ruleId: text('rule_id').notNull(),
    version: integer('version').notNull(),
    rule: jsonb('rule').$type<Record<string, unknown>>().notNull(),
    change: text('change').notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: instant('changed_at').notNull(),
  },
  (t) => [
    uniqueIndex('rule_versions_rule_version_idx').on(t.ruleId, t.version),
    check('rule_versions_change_check', sql`${t.change} in (${inList(RULE_CHANGE_VALUES)})`),
    check(
      'rule_versions_changed_by_check',
      sql`char_length(${t.changedBy}) <= ${sql.raw(String(ACTOR_MAX_CHARS))}`,
    ),
  ],
);

export type RuleRow = typeof rules.$inferSelect;
export type RuleVersionRow = typeof ruleVersions.$inferSelect;
