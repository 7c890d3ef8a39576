import type { Alert } from '@vigil/core';
import {
  type ChannelType,
  type FlushSettings,
  type NotificationContent,
  PER_ALERT_CHANNELS,
  planFlush,
  type SentState,
} from '@vigil/core/notifications';
import { and, asc, eq, inArray, isNotNull, isNull, lte, min, ne, or } from 'drizzle-orm';
import type { VigilDatabase } from '../database.ts';
import { notificationIdOf } from './notification-ids.ts';
import {
  notificationChannels,
  notificationGroupAlerts,
  notificationGroups,
  notifications,
} from './notification-schema.ts';
import type { FlushResult } from './notification-store-port.ts';

/** Groups flushed per transaction when the caller names no limit: short transactions, few locks held. */
export const DEFAULT_FLUSH_LIMIT = 50;

/**
 * Flushes due groups (NotificationStore.flushDueGroups): each due group of an enabled channel is locked
 * (SKIP LOCKED: another notifier takes the next ones), its plan computed (core's planFlush), its messages
 * written to the outbox and its state advanced, all in one transaction, so a crash either leaves the group
 * due or has its messages durably queued. Disabled channels' groups wait, due, until they are enabled.
 */
export async function flushDueGroups(
  db: VigilDatabase,
  options: { now: number; limit?: number },
): Promise<FlushResult> {
  const at = new Date(options.now);
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ group: notificationGroups, channelType: notificationChannels.type })
      .from(notificationGroups)
      .innerJoin(
        notificationChannels,
        and(
          eq(notificationChannels.id, notificationGroups.channelId),
          eq(notificationChannels.enabled, true),
        ),
      )
      .where(and(isNotNull(notificationGroups.nextFlushAt), lte(notificationGroups.nextFlushAt, at)))
      .orderBy(asc(notificationGroups.nextFlushAt))
      .limit(options.limit ?? DEFAULT_FLUSH_LIMIT)
      .for('update', { of: notificationGroups, skipLocked: true });
    let written = 0;
    for (const { group, channelType } of due) {
      const type = channelType as ChannelType;
      const entries = await tx
        .select({ alert: notificationGroupAlerts.alert, sent: notificationGroupAlerts.sent })
        .from(notificationGroupAlerts)
        .where(
          and(
            eq(notificationGroupAlerts.groupId, group.id),
            or(isNull(notificationGroupAlerts.sent), ne(notificationGroupAlerts.sent, 'resolved')),
          ),
        )
        .orderBy(asc(notificationGroupAlerts.alertId));
      const plan = planFlush({
        alerts: entries.map((e) => ({
          alert: e.alert as unknown as Alert,
          sent: e.sent as SentState | null,
        })),
        settings: group.settings as unknown as FlushSettings,
        channelType: type,
        lastSentAt: group.lastSentAt?.getTime() ?? null,
        now: options.now,
      });
      const flushSeq = group.flushSeq + 1;
      const perAlert = PER_ALERT_CHANNELS.has(type);
      const rows = plan.messages.map((message, i) => {
        const content: NotificationContent = {
          kind: message.kind,
          status: message.status,
          groupKey: group.groupKey,
          groupLabels: group.groupLabels,
          alerts: message.alerts,
          truncatedAlerts: message.truncatedAlerts,
        };
        return {
          id: notificationIdOf(group.id, flushSeq, i),
          channelId: group.channelId,
          channelType: type,
          groupId: group.id,
          // Per-alert channels order the messages of one alert (post, then edit); grouped ones those of the group.
          threadKey: perAlert ? `${group.channelId}:${message.alerts[0]?.id}` : group.id,
          kind: message.kind,
          alertIds: message.alerts.map((a) => a.id),
          content: content as unknown as Record<string, unknown>,
          status: 'pending',
          nextAttemptAt: at,
          createdAt: at,
          updatedAt: at,
        };
      });
      if (rows.length > 0) await tx.insert(notifications).values(rows).onConflictDoNothing();
      written += rows.length;
      const bySent = new Map<SentState, string[]>();
      for (const [alertId, state] of plan.sent) bySent.set(state, [...(bySent.get(state) ?? []), alertId]);
      for (const [state, alertIds] of bySent)
        await tx
          .update(notificationGroupAlerts)
          .set({ sent: state })
          .where(
            and(
              eq(notificationGroupAlerts.groupId, group.id),
              inArray(notificationGroupAlerts.alertId, alertIds),
            ),
          );
      await tx
        .update(notificationGroups)
        .set({
          flushSeq,
          lastSentAt: plan.notified ? at : group.lastSentAt,
          nextFlushAt: plan.nextFlushAt === null ? null : new Date(plan.nextFlushAt),
        })
        .where(eq(notificationGroups.id, group.id));
    }
    return { groups: due.length, notifications: written };
  });
}

/** The earliest due time of any group of an enabled channel, or null. */
export async function nextFlushAt(db: VigilDatabase): Promise<number | null> {
  const [row] = await db
    .select({ at: min(notificationGroups.nextFlushAt) })
    .from(notificationGroups)
    .innerJoin(
      notificationChannels,
      and(eq(notificationChannels.id, notificationGroups.channelId), eq(notificationChannels.enabled, true)),
    );
  return row?.at ? new Date(row.at).getTime() : null;
}
