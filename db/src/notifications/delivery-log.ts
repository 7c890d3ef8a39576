import { ValidationError } from '@vigil/core';
import {
  type ChannelType,
  NOTIFICATION_STATUSES,
  type NotificationContent,
  type NotificationStatus,
} from '@vigil/core/notifications';
import { and, asc, desc, eq, inArray, lt, lte, type SQL, sql } from 'drizzle-orm';
import { parseLimit } from '../alert-filters.ts';
import type { VigilDatabase } from '../database.ts';
import { isLookupKey } from '../identity-input.ts';
import { msOf, rowsOf } from './notification-ids.ts';
import { notificationAttempts, notificationGroupAlerts, notifications } from './notification-schema.ts';
import type {
  ChannelHealth,
  NotificationQuery,
  NotificationRecord,
  QueueStats,
} from './notification-store-port.ts';

/** A channel is failing after this many failed attempts in a row (no success since). */
export const DEFAULT_FAILING_AFTER = 3;

const CURSOR = /^[1-9]\d{0,15}$/;
const iso = (value: unknown) => {
  const ms = msOf(value);
  return ms === null ? null : new Date(ms).toISOString();
};

function conditionsOf(query: NotificationQuery): SQL[] {
  const conditions: SQL[] = [];
  for (const field of ['alertId', 'channelId'] as const) {
    const value = query[field];
    if (value !== undefined && !isLookupKey(value))
      throw new ValidationError(`${field} must be a string of 1–200 characters without U+0000`, {
        details: { [field]: value },
      });
  }
  if (query.alertId !== undefined)
    conditions.push(sql`${notifications.alertIds} @> array[${query.alertId}]::text[]`);
  if (query.channelId !== undefined) conditions.push(eq(notifications.channelId, query.channelId));
  if (query.status !== undefined) {
    if (!NOTIFICATION_STATUSES.includes(query.status as NotificationStatus))
      throw new ValidationError(`status must be one of ${NOTIFICATION_STATUSES.join(', ')}`, {
        details: { status: query.status },
      });
    conditions.push(eq(notifications.status, query.status));
  }
  if (query.cursor !== undefined) {
    if (!CURSOR.test(query.cursor))
      throw new ValidationError('invalid cursor', { details: { cursor: query.cursor } });
    conditions.push(lt(notifications.seq, Number(query.cursor)));
  }
  return conditions;
}

/** The delivery log, channel health and queue figures (NotificationStore). */
export function createDeliveryLog(db: VigilDatabase) {
  return {
    async listNotifications(
      query: NotificationQuery = {},
    ): Promise<{ items: NotificationRecord[]; nextCursor: string | null }> {
      const limit = parseLimit(query.limit);
      const rows = await db
        .select()
        .from(notifications)
        .where(and(...conditionsOf(query)))
        .orderBy(desc(notifications.seq))
        .limit(limit + 1);
      const page = rows.slice(0, limit);
      const attempts =
        page.length === 0
          ? []
          : await db
              .select()
              .from(notificationAttempts)
              .where(
                inArray(
                  notificationAttempts.notificationId,
                  page.map((r) => r.id),
                ),
              )
              .orderBy(asc(notificationAttempts.id));
      const items = page.map(
        (row): NotificationRecord => ({
          id: row.id,
          channelId: row.channelId,
          channelType: row.channelType as ChannelType,
          kind: row.kind as NotificationContent['kind'],
          status: row.status as NotificationStatus,
          alertIds: row.alertIds,
          groupKey: (row.content as { groupKey?: string }).groupKey ?? '',
          attemptCount: row.attempts,
          nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
          createdAt: row.createdAt.toISOString(),
          sentAt: row.sentAt?.toISOString() ?? null,
          externalId: row.externalId,
          lastError: row.lastError,
          lastStatusCode: row.lastStatusCode,
          attempts: attempts
            .filter((a) => a.notificationId === row.id)
            .map((a) => ({
              at: a.at.toISOString(),
              outcome: a.outcome as NotificationRecord['attempts'][number]['outcome'],
              statusCode: a.statusCode,
              error: a.error,
              durationMs: a.durationMs,
            })),
        }),
      );
      const last = page.at(-1);
      return { items, nextCursor: rows.length > limit && last ? String(last.seq) : null };
    },

    async channelHealth(options: { failingAfter?: number } = {}): Promise<ChannelHealth[]> {
      const failingAfter = options.failingAfter ?? DEFAULT_FAILING_AFTER;
      const rows = rowsOf<Record<string, unknown>>(
        await db.execute(sql`
          select c.id, c.name, c.type, c.enabled, ok.at as last_success_at,
            (select count(*)::int from notification_attempts a
              where a.channel_id = c.id and a.outcome in ('retry', 'failed')
                and a.at > coalesce(ok.at, '-infinity'::timestamptz)) as failures,
            last.at as last_attempt_at, last.error as last_error,
            (select count(*)::int from notifications n
              where n.channel_id = c.id and n.status in ('pending', 'sending')) as queued,
            (select min(n.created_at) from notifications n
              where n.channel_id = c.id and n.status in ('pending', 'sending')) as oldest_queued_at
          from notification_channels c
          left join lateral (select max(a.at) as at from notification_attempts a
            where a.channel_id = c.id and a.outcome = 'sent') ok on true
          left join lateral (select a.at, a.error from notification_attempts a
            where a.channel_id = c.id order by a.at desc, a.id desc limit 1) last on true
          order by c.name`),
      );
      return rows.map((r) => ({
        channelId: String(r.id),
        name: String(r.name),
        type: r.type as ChannelType,
        enabled: Boolean(r.enabled),
        failuresSinceSuccess: Number(r.failures),
        failing: Number(r.failures) >= failingAfter,
        lastError: (r.last_error as string | null) ?? null,
        lastAttemptAt: iso(r.last_attempt_at),
        lastSuccessAt: iso(r.last_success_at),
        queued: Number(r.queued),
        oldestQueuedAt: iso(r.oldest_queued_at),
      }));
    },

    async queueStats(): Promise<QueueStats[]> {
      const rows = await db
        .select({
          channelType: notifications.channelType,
          queued: sql<number>`count(*)::int`,
          oldest: sql<unknown>`min(${notifications.createdAt})`,
        })
        .from(notifications)
        .where(inArray(notifications.status, ['pending', 'sending']))
        .groupBy(notifications.channelType);
      return rows.map((r) => ({
        channelType: r.channelType as ChannelType,
        queued: Number(r.queued),
        oldestQueuedAt: msOf(r.oldest),
      }));
    },

    async prune(before: number): Promise<number> {
      const at = new Date(before);
      const sent = await db
        .delete(notifications)
        .where(and(inArray(notifications.status, ['sent', 'failed']), lte(notifications.updatedAt, at)))
        .returning({ id: notifications.id });
      const done = await db
        .delete(notificationGroupAlerts)
        .where(and(eq(notificationGroupAlerts.sent, 'resolved'), lte(notificationGroupAlerts.changedAt, at)))
        .returning({ id: notificationGroupAlerts.alertId });
      return sent.length + done.length;
    },
  };
}
