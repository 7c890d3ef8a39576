import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

// Notifications (migration 0011; notifier/README.md "Outbox and leases"). Values repeated from core for the
// reason schema.ts gives: drizzle-kit loads this file on its own. The contract checks each against core.
const inList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));
const CHANNEL_TYPE_VALUES = ['webhook', 'slack', 'discord', 'email', 'pagerduty'];
const NOTIFICATION_STATUS_VALUES = ['pending', 'sending', 'sent', 'failed'];
const SENT_STATE_VALUES = ['firing', 'acknowledged', 'resolved'];
const KIND_VALUES = ['firing', 'acknowledged', 'resolved', 'test'];
const OUTCOME_VALUES = ['sent', 'retry', 'failed', 'deferred'];

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Where notifications go. `config` holds the secrets; the store's read functions redact them. */
export const notificationChannels = pgTable(
  'notification_channels',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    config: jsonb('config').$type<Record<string, unknown>>().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
    /** The channel's rate limit across every notifier: no message may start before this (null: any time). */
    nextSendAt: instant('next_send_at'),
  },
  (t) => [
    uniqueIndex('notification_channels_name_lower_idx').on(sql`lower(${t.name})`),
    check('notification_channels_type_check', sql`${t.type} in (${inList(CHANNEL_TYPE_VALUES)})`),
  ],
);

/** The routing policy: one row (id 1), its version raised by every save. */
export const notificationPolicy = pgTable(
  'notification_policy',
  {
    id: integer('id').primaryKey(),
    routes: jsonb('routes').$type<unknown[]>().notNull(),
    version: integer('version').notNull(),
    updatedAt: instant('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [check('notification_policy_one_row_check', sql`${t.id} = 1`)],
);

/**
 * One group per route, group key and channel: when it is due (`next_flush_at`), when it last sent and the
 * route's timing it flushes with. `flush_seq` counts its flushes and makes outbox ids deterministic.
 */
export const notificationGroups = pgTable(
  'notification_groups',
  {
    id: text('id').primaryKey(),
    routeIndex: integer('route_index').notNull(),
    groupKey: text('group_key').notNull(),
    groupLabels: jsonb('group_labels').$type<Record<string, string>>().notNull(),
    channelId: text('channel_id')
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    lastSentAt: instant('last_sent_at'),
    nextFlushAt: instant('next_flush_at'),
    flushSeq: integer('flush_seq').notNull().default(0),
    createdAt: instant('created_at').notNull(),
  },
  // The scheduler's scan: due groups, earliest first.
  (t) => [index('notification_groups_due_idx').on(t.nextFlushAt).where(sql`${t.nextFlushAt} is not null`)],
);

/** Each alert of a group: its latest state (by revision) and what the group's channel was told of it. */
export const notificationGroupAlerts = pgTable(
  'notification_group_alerts',
  {
    groupId: text('group_id')
      .notNull()
      .references(() => notificationGroups.id, { onDelete: 'cascade' }),
    alertId: text('alert_id').notNull(),
    revision: integer('revision').notNull(),
    alert: jsonb('alert').$type<Record<string, unknown>>().notNull(),
    sent: text('sent'),
    changedAt: instant('changed_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.alertId], name: 'notification_group_alerts_pkey' }),
    // An update of an alert finds every group that holds it, whatever the policy says now.
    index('notification_group_alerts_alert_idx').on(t.alertId),
    check('notification_group_alerts_sent_check', sql`${t.sent} in (${inList(SENT_STATE_VALUES)})`),
  ],
);

/**
 * The outbox: one row is one message to one channel, written in the transaction that flushed its group,
 * before anything is sent. `seq` orders messages of one `thread_key` (a group, or an alert on a per-alert
 * channel): one is claimed only when no earlier one of its thread is still pending or sending.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    channelId: text('channel_id').notNull(),
    channelType: text('channel_type').notNull(),
    groupId: text('group_id'),
    threadKey: text('thread_key').notNull(),
    kind: text('kind').notNull(),
    alertIds: text('alert_ids').array().notNull(),
    content: jsonb('content').$type<Record<string, unknown>>().notNull(),
    status: text('status').notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseUntil: instant('lease_until'),
    externalId: text('external_id'),
    lastError: text('last_error'),
    lastStatusCode: integer('last_status_code'),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    uniqueIndex('notifications_seq_idx').on(t.seq),
    // The claim's scan and its per-thread order check touch only unfinished rows.
    index('notifications_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('pending', 'sending')`),
    index('notifications_thread_idx').on(t.threadKey, t.seq),
    index('notifications_channel_idx').on(t.channelId, t.seq.desc()),
    index('notifications_alert_ids_idx').using('gin', t.alertIds),
    check('notifications_status_check', sql`${t.status} in (${inList(NOTIFICATION_STATUS_VALUES)})`),
    check('notifications_kind_check', sql`${t.kind} in (${inList(KIND_VALUES)})`),
    check('notifications_channel_type_check', sql`${t.channelType} in (${inList(CHANNEL_TYPE_VALUES)})`),
  ],
);

/** Every attempt to send a notification, with the receiver's answer. */
export const notificationAttempts = pgTable(
  'notification_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    notificationId: text('notification_id')
      .notNull()
      .references(() => notifications.id, { onDelete: 'cascade' }),
    channelId: text('channel_id').notNull(),
    at: instant('at').notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    outcome: text('outcome').notNull(),
    error: text('error'),
    owner: text('owner').notNull(),
  },
  (t) => [
    index('notification_attempts_notification_idx').on(t.notificationId, t.id),
    // Channel health: the latest attempts of a channel.
    index('notification_attempts_channel_idx').on(t.channelId, t.at.desc()),
    check('notification_attempts_outcome_check', sql`${t.outcome} in (${inList(OUTCOME_VALUES)})`),
  ],
);
