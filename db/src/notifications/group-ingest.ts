import type { Alert } from '@vigil/core';
import {
  type ChannelType,
  dueAfterChange,
  type FlushSettings,
  routeAlert,
  type SentState,
} from '@vigil/core/notifications';
import { and, asc, inArray, sql } from 'drizzle-orm';
import type { VigilDatabase } from '../database.ts';
import { groupIdOf } from './notification-ids.ts';
import { notificationChannels, notificationGroupAlerts, notificationGroups } from './notification-schema.ts';
import type { IngestResult } from './notification-store-port.ts';
import { readPolicy } from './policy-store.ts';

const revisionOf = (alert: Alert) => alert.revision ?? 1;

interface Target {
  row: typeof notificationGroups.$inferInsert;
  alerts: Map<string, Alert>;
}

/** The settings a group flushes with: the route's timing when it was last routed to. */
export const settingsOf = (route: FlushSettings): FlushSettings => ({
  groupWaitMs: route.groupWaitMs,
  groupIntervalMs: route.groupIntervalMs,
  repeatIntervalMs: route.repeatIntervalMs,
  sendResolved: route.sendResolved,
  bypassGroupWaitAtLeast: route.bypassGroupWaitAtLeast,
});

/**
 * Routes a batch of alert states into their groups in one transaction (NotificationStore.ingestAlerts). An
 * alert goes to the groups the policy routes it to now and to every group that already holds it (so a
 * resolve reaches the channels that announced the alert even after the policy changed). Within a group an
 * alert is replaced only by a higher revision: a redelivered or reordered record changes nothing.
 */
export async function ingestAlerts(
  db: VigilDatabase,
  batch: readonly Alert[],
  now: number,
): Promise<IngestResult> {
  const latest = new Map<string, Alert>();
  for (const alert of batch) {
    const seen = latest.get(alert.id);
    if (!seen || revisionOf(alert) > revisionOf(seen)) latest.set(alert.id, alert);
  }
  if (latest.size === 0) return { changed: 0, skipped: 0 };
  const ids = [...latest.keys()];
  const at = new Date(now);

  return db.transaction(async (tx) => {
    const policy = await readPolicy(tx);
    const channels = new Map(
      (
        await tx
          .select({ id: notificationChannels.id, type: notificationChannels.type })
          .from(notificationChannels)
      ).map((c) => [c.id, c.type as ChannelType]),
    );
    const targets = new Map<string, Target>();
    const target = (id: string, row: Target['row']) => {
      const found = targets.get(id) ?? { row, alerts: new Map<string, Alert>() };
      targets.set(id, found);
      return found;
    };
    for (const alert of latest.values()) {
      for (const match of routeAlert(policy, alert)) {
        for (const channelId of match.route.channels) {
          if (!channels.has(channelId)) continue;
          const id = groupIdOf(match.routeIndex, match.groupKey, channelId);
          target(id, {
            id,
            routeIndex: match.routeIndex,
            groupKey: match.groupKey,
            groupLabels: match.groupLabels,
            channelId,
            settings: { ...settingsOf(match.route) },
            createdAt: at,
          }).alerts.set(alert.id, alert);
        }
      }
    }
    const routed = [...targets.values()].map((t) => t.row).sort((a, b) => (a.id! < b.id! ? -1 : 1));
    // In id order, like the locks below: two transactions never wait on each other's rows crosswise.
    if (routed.length > 0)
      await tx
        .insert(notificationGroups)
        .values(routed)
        .onConflictDoUpdate({ target: notificationGroups.id, set: { settings: sql`excluded.settings` } });

    const held = await tx
      .select({ groupId: notificationGroupAlerts.groupId, alertId: notificationGroupAlerts.alertId })
      .from(notificationGroupAlerts)
      .where(inArray(notificationGroupAlerts.alertId, ids));
    const groupIds = [...new Set([...targets.keys(), ...held.map((h) => h.groupId)])];
    if (groupIds.length === 0) return { changed: 0, skipped: 0 };
    const groups = await tx
      .select()
      .from(notificationGroups)
      .where(inArray(notificationGroups.id, groupIds))
      .orderBy(asc(notificationGroups.id))
      .for('update');
    for (const h of held)
      target(h.groupId, { ...groups.find((g) => g.id === h.groupId)! }).alerts.set(
        h.alertId,
        latest.get(h.alertId)!,
      );

    const entries = new Map(
      (
        await tx
          .select({
            groupId: notificationGroupAlerts.groupId,
            alertId: notificationGroupAlerts.alertId,
            revision: notificationGroupAlerts.revision,
            sent: notificationGroupAlerts.sent,
          })
          .from(notificationGroupAlerts)
          .where(
            and(
              inArray(notificationGroupAlerts.groupId, groupIds),
              inArray(notificationGroupAlerts.alertId, ids),
            ),
          )
      ).map((e) => [`${e.groupId}\n${e.alertId}`, e]),
    );

    let changed = 0;
    let skipped = 0;
    const upserts: (typeof notificationGroupAlerts.$inferInsert)[] = [];
    for (const group of groups) {
      const channelType = channels.get(group.channelId);
      const alerts = targets.get(group.id)?.alerts;
      if (!channelType || !alerts) continue;
      let nextFlushAt = group.nextFlushAt?.getTime() ?? null;
      const before = nextFlushAt;
      for (const alert of alerts.values()) {
        const entry = entries.get(`${group.id}\n${alert.id}`);
        if (entry && entry.revision >= revisionOf(alert)) {
          skipped++;
          continue;
        }
        const sent = (entry?.sent ?? null) as SentState | null;
        upserts.push({
          groupId: group.id,
          alertId: alert.id,
          revision: revisionOf(alert),
          alert: alert as unknown as Record<string, unknown>,
          sent,
          changedAt: at,
        });
        changed++;
        nextFlushAt = dueAfterChange({
          item: { alert, sent },
          settings: group.settings as unknown as FlushSettings,
          channelType,
          lastSentAt: group.lastSentAt?.getTime() ?? null,
          nextFlushAt,
          now,
        });
      }
      if (nextFlushAt !== before)
        await tx
          .update(notificationGroups)
          .set({ nextFlushAt: nextFlushAt === null ? null : new Date(nextFlushAt) })
          .where(sql`${notificationGroups.id} = ${group.id}`);
    }
    if (upserts.length > 0)
      await tx
        .insert(notificationGroupAlerts)
        .values(upserts)
        .onConflictDoUpdate({
          target: [notificationGroupAlerts.groupId, notificationGroupAlerts.alertId],
          set: {
            revision: sql`excluded.revision`,
            alert: sql`excluded.alert`,
            changedAt: sql`excluded.changed_at`,
          },
        });
    return { changed, skipped };
  });
}
