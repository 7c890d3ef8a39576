import { randomBytes } from 'node:crypto';
import type { Channel, ChannelType, NotificationContent } from '@vigil/core/notifications';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { VigilDatabase } from '../database.ts';
import { arrayLiteral } from '../event-insert.ts';
import { alertActivity, alerts } from '../schema.ts';
import { channelOf } from './channel-store.ts';
import { msOf, rowsOf } from './notification-ids.ts';
import { notificationAttempts, notificationChannels, notifications } from './notification-schema.ts';
import type { AttemptReport, ClaimedNotification } from './notification-store-port.ts';

/** Longest error text kept per attempt: a receiver's message, not its whole error page. */
export const MAX_ERROR_CHARS = 1_000;
/** Longest activity note (alert_activity's bound is 2,000). */
const MAX_NOTE_CHARS = 500;

const clip = (text: string | null | undefined, max: number) =>
  text == null ? null : text.replaceAll('\u0000', '\uFFFD').slice(0, max);

interface ClaimRow {
  id: string;
  seq: number | string;
  kind: NotificationContent['kind'];
  content: NotificationContent | string;
  attempts: number;
  created_at: unknown;
  channel_id: string;
  channel_type: ChannelType;
  thread_key: string;
}

async function withChannels(db: VigilDatabase, rows: ClaimRow[]): Promise<ClaimedNotification[]> {
  if (rows.length === 0) return [];
  const channelIds = [...new Set(rows.map((r) => r.channel_id))];
  const channels = new Map(
    (await db.select().from(notificationChannels).where(inArray(notificationChannels.id, channelIds))).map(
      (row) => [row.id, channelOf(row, false)],
    ),
  );
  const threads = [...new Set(rows.map((r) => r.thread_key))];
  // The latest message id each thread got from its receiver (Discord's message id, to edit it).
  const external = new Map(
    rowsOf<{ thread_key: string; external_id: string }>(
      await db.execute(sql`
        select distinct on (thread_key) thread_key, external_id from notifications
        where thread_key = any(${arrayLiteral(threads)}::text[]) and external_id is not null
        order by thread_key, seq desc`),
    ).map((r) => [r.thread_key, r.external_id]),
  );
  return rows.map((row) => ({
    id: row.id,
    seq: Number(row.seq),
    kind: row.kind,
    content: (typeof row.content === 'string' ? JSON.parse(row.content) : row.content) as NotificationContent,
    attempts: row.attempts,
    createdAt: msOf(row.created_at) ?? 0,
    channel: channels.get(row.channel_id) ?? null,
    channelId: row.channel_id,
    channelType: row.channel_type,
    threadExternalId: external.get(row.thread_key) ?? null,
  }));
}

/** The outbox's claim, completion, deferral and test messages (NotificationStore). */
export function createOutbox(db: VigilDatabase) {
  return {
    async claimNotifications(options: {
      owner: string;
      now: number;
      limit: number;
      leaseMs: number;
    }): Promise<ClaimedNotification[]> {
      const at = new Date(options.now).toISOString();
      const until = new Date(options.now + options.leaseMs).toISOString();
      // One statement: the rows are picked and leased atomically; SKIP LOCKED lets other notifiers take others.
      const rows = rowsOf<ClaimRow>(
        await db.execute(sql`
          with due as (
            select n.id from notifications n
            where n.status in ('pending', 'sending')
              and ((n.status = 'pending' and n.next_attempt_at <= ${at}::timestamptz)
                or (n.status = 'sending' and n.lease_until <= ${at}::timestamptz))
              and not exists (
                select 1 from notifications p
                where p.thread_key = n.thread_key and p.seq < n.seq and p.status in ('pending', 'sending'))
            order by n.next_attempt_at, n.seq
            limit ${options.limit}
            for update skip locked
          )
          update notifications n
          set status = 'sending', lease_owner = ${options.owner}, lease_until = ${until}::timestamptz,
              updated_at = ${at}::timestamptz
          from due where n.id = due.id
          returning n.id, n.seq, n.kind, n.content, n.attempts, n.created_at, n.channel_id, n.channel_type, n.thread_key`),
      );
      rows.sort((a, b) => Number(a.seq) - Number(b.seq));
      return withChannels(db, rows);
    },

    async completeAttempt(report: AttemptReport): Promise<boolean> {
      const at = new Date(report.at).toISOString();
      const status = report.outcome === 'sent' ? 'sent' : report.outcome === 'failed' ? 'failed' : 'pending';
      const sent = report.outcome === 'sent';
      const nextAttemptAt =
        report.outcome === 'retry' ? new Date(report.nextAttemptAt ?? report.at).toISOString() : at;
      const error = clip(report.error, MAX_ERROR_CHARS);
      const note = sent && report.activityNote ? clip(report.activityNote, MAX_NOTE_CHARS) : null;
      // One statement, so one round trip and atomic without a transaction: the attempt is recorded whenever the
      // row exists (a report from a notifier whose lease expired is kept as an attempt only); the row changes
      // only for its lease owner; a sent alert notice adds `notified` to the trail of each alert this database
      // stores (the FK needs them). The CTEs all see the row as it was before the update, and each runs whether or
      // not the final select reads it (PostgreSQL executes every data-modifying CTE once).
      const [result] = rowsOf<{ updated: number | string }>(
        await db.execute(sql`
          with target as (
            select id, channel_id from ${notifications} where id = ${report.id}
          ),
          attempt as (
            insert into ${notificationAttempts}
              (notification_id, channel_id, at, duration_ms, status_code, outcome, error, owner)
            select id, channel_id, ${at}::timestamptz, ${Math.max(0, Math.round(report.durationMs))},
              ${report.statusCode}::integer, ${report.outcome}, ${error}::text, ${report.owner}
            from target
            returning 1
          ),
          updated as (
            update ${notifications} set
              status = ${status},
              attempts = attempts + 1,
              next_attempt_at = ${nextAttemptAt}::timestamptz,
              lease_owner = null,
              lease_until = null,
              last_error = ${error}::text,
              last_status_code = ${report.statusCode}::integer,
              updated_at = ${at}::timestamptz,
              sent_at = case when ${sent}::boolean then ${at}::timestamptz else sent_at end,
              external_id = case when ${sent}::boolean then coalesce(${report.externalId ?? null}::text, external_id)
                else external_id end
            where id = ${report.id} and lease_owner = ${report.owner} and status = 'sending'
            returning alert_ids, kind
          ),
          activity as (
            insert into ${alertActivity} (alert_id, at, actor, action, note)
            select a.id, ${at}::timestamptz, 'system', 'notified', ${note}::text
            from updated u join ${alerts} a on a.id = any(u.alert_ids)
            where ${note}::text is not null and u.kind <> 'test'
            returning 1
          )
          select (select count(*) from updated) as updated`),
      );
      return Number(result?.updated ?? 0) > 0;
    },

    async deferNotification(options: { id: string; owner: string; until: number }): Promise<boolean> {
      const updated = await db
        .update(notifications)
        .set({
          status: 'pending',
          nextAttemptAt: new Date(options.until),
          leaseOwner: null,
          leaseUntil: null,
        })
        .where(
          and(
            eq(notifications.id, options.id),
            eq(notifications.leaseOwner, options.owner),
            eq(notifications.status, 'sending'),
          ),
        )
        .returning({ id: notifications.id });
      return updated.length > 0;
    },

    async reserveSendSlot(options: { channelId: string; now: number; intervalMs: number }): Promise<number> {
      const now = new Date(options.now).toISOString();
      const until = new Date(options.now + options.intervalMs).toISOString();
      // The row lock orders notifiers booking at once: a later one re-checks the booked row and books nothing.
      // Its `current` read sees the row as of its statement's start, which can be the slot just replaced; the
      // next statement reads the committed one, so a wait that is not in the future asks once more.
      for (let attempt = 0; attempt < 3; attempt++) {
        const [row] = rowsOf<{ booked: number | string; found: number | string; current: unknown }>(
          await db.execute(sql`
            with booked as (
              update ${notificationChannels} set next_send_at = ${until}::timestamptz
              where id = ${options.channelId} and (next_send_at is null or next_send_at <= ${now}::timestamptz)
              returning id
            ),
            current as (select next_send_at from ${notificationChannels} where id = ${options.channelId})
            select (select count(*) from booked) as booked, (select count(*) from current) as found,
              (select next_send_at from current) as current`),
        );
        if (!row || Number(row.booked) > 0 || Number(row.found) === 0) return 0; // booked, or no such channel
        const next = msOf(row.current);
        if (next !== null && next > options.now) return next - options.now;
      }
      return options.intervalMs;
    },

    async createTestNotification(options: {
      channelId: string;
      owner: string;
      now: number;
      leaseMs: number;
    }): Promise<ClaimedNotification | null> {
      const [channel] = await db
        .select()
        .from(notificationChannels)
        .where(eq(notificationChannels.id, options.channelId));
      if (!channel) return null;
      const at = new Date(options.now);
      const content: NotificationContent = {
        kind: 'test',
        status: 'firing',
        groupKey: 'test',
        groupLabels: {},
        alerts: [],
        truncatedAlerts: 0,
      };
      const id = `n_test_${randomBytes(12).toString('hex')}`;
      const [row] = await db
        .insert(notifications)
        .values({
          id,
          channelId: channel.id,
          channelType: channel.type,
          threadKey: id,
          kind: 'test',
          alertIds: [],
          content: content as unknown as Record<string, unknown>,
          status: 'sending',
          nextAttemptAt: at,
          leaseOwner: options.owner,
          leaseUntil: new Date(options.now + options.leaseMs),
          createdAt: at,
          updatedAt: at,
        })
        .returning();
      const claimed: ClaimedNotification = {
        id,
        seq: row!.seq,
        kind: 'test',
        content,
        attempts: 0,
        createdAt: options.now,
        channel: channelOf(channel, false) satisfies Channel,
        channelId: channel.id,
        channelType: channel.type as ChannelType,
        threadExternalId: null,
      };
      return claimed;
    },
  };
}
