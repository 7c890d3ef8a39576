import type { Alert } from '../alerts/alert.ts';
import type { ChannelType } from './channel-config.ts';
import type { Route } from './notification-policy.ts';
import { severityRank } from './route-alert.ts';

/** What a channel was last told about an alert: null before its first message. */
export type SentState = 'firing' | 'acknowledged' | 'resolved';
/** What one message announces. */
export type NoticeKind = 'firing' | 'acknowledged' | 'resolved';

/**
 * Channels that post one message per alert and change it later (a Discord message edited in place, a
 * PagerDuty incident by dedup_key) instead of one message per group: grouping timers still apply, acknowledge
 * is mirrored, and there are no repeats (the message or incident is still there).
 */
export const PER_ALERT_CHANNELS: ReadonlySet<ChannelType> = new Set(['discord', 'pagerduty']);

/** Most alerts one grouped message lists; the rest are counted in `truncatedAlerts` (as Alertmanager does). */
export const MAX_ALERTS_PER_MESSAGE = 100;

/** One alert of a group: its latest state and what this group's channel was told. */
export interface GroupAlert {
  alert: Alert;
  sent: SentState | null;
}

export type FlushSettings = Pick<
  Route,
  'repeatIntervalMs' | 'sendResolved' | 'groupWaitMs' | 'groupIntervalMs' | 'bypassGroupWaitAtLeast'
>;

export const isSilenced = (alert: Alert): boolean => (alert.silencedBy?.length ?? 0) > 0;

const wanted = (alert: Alert): SentState =>
  alert.status === 'resolved' ? 'resolved' : alert.status === 'acknowledged' ? 'acknowledged' : 'firing';

/**
 * The notices an alert is owed, in order. A silenced alert that was never announced is owed nothing; once
 * announced, its resolve is owed even if it is silenced now (Alertmanager drops it), and so is a mirrored
 * acknowledge. An alert resolved before it was announced is owed nothing either.
 */
export function owedNotices(
  item: GroupAlert,
  settings: Pick<Route, 'sendResolved'>,
  perAlert: boolean,
): NoticeKind[] {
  const target = wanted(item.alert);
  if (item.sent === null) {
    if (target === 'resolved' || isSilenced(item.alert)) return [];
    return perAlert && target === 'acknowledged' ? ['firing', 'acknowledged'] : ['firing'];
  }
  if (item.sent === 'resolved') return [];
  if (target === 'resolved') return settings.sendResolved ? ['resolved'] : [];
  if (perAlert && item.sent === 'firing' && target === 'acknowledged') return ['acknowledged'];
  return [];
}

/** One message a flush writes to the outbox. */
export interface PlannedMessage {
  kind: NoticeKind;
  /** Grouped channels: `firing` while any listed alert fires, else `resolved`. */
  status: 'firing' | 'resolved';
  alerts: Alert[];
  /** Alerts left out past MAX_ALERTS_PER_MESSAGE. */
  truncatedAlerts: number;
}

export interface FlushPlan {
  messages: PlannedMessage[];
  /** New sent state per alert id (alerts whose state does not change are absent). */
  sent: Map<string, SentState>;
  /** True when a message goes out: the group's lastSentAt becomes the flush time. */
  notified: boolean;
  /** When the group is due next without new changes (the repeat), or null. */
  nextFlushAt: number | null;
}

const firingNow = (item: GroupAlert) => wanted(item.alert) !== 'resolved' && !isSilenced(item.alert);

/**
 * What a due group sends now, given its alerts and when it last sent. Grouped channels (webhook, Slack,
 * email) get one message listing every firing alert plus those resolved since, when something is new or
 * the repeat interval has passed; per-alert channels get one message per owed notice. Pure and
 * deterministic: a flush retried after a crash plans the same messages.
 */
export function planFlush(input: {
  alerts: readonly GroupAlert[];
  settings: FlushSettings;
  channelType: ChannelType;
  lastSentAt: number | null;
  now: number;
}): FlushPlan {
  const { alerts, settings, now } = input;
  const perAlert = PER_ALERT_CHANNELS.has(input.channelType);
  const sent = new Map<string, SentState>();
  const messages: PlannedMessage[] = [];
  const owed = alerts.map((item) => ({ item, notices: owedNotices(item, settings, perAlert) }));
  // Resolved alerts owed nothing are done: mark them so a redelivered older revision cannot revive them.
  for (const { item, notices } of owed)
    if (notices.length === 0 && wanted(item.alert) === 'resolved' && item.sent !== 'resolved')
      sent.set(item.alert.id, 'resolved');

  if (perAlert) {
    for (const { item, notices } of owed) {
      for (const kind of notices)
        messages.push({
          kind,
          status: kind === 'resolved' ? 'resolved' : 'firing',
          alerts: [item.alert],
          truncatedAlerts: 0,
        });
      const last = notices.at(-1);
      if (last) sent.set(item.alert.id, last);
    }
    return { messages, sent, notified: messages.length > 0, nextFlushAt: null };
  }

  const active = alerts.filter(firingNow);
  const newlyFiring = owed.filter((o) => o.notices.includes('firing'));
  const newlyResolved = owed.filter((o) => o.notices.includes('resolved'));
  const repeatDue =
    input.lastSentAt !== null && now - input.lastSentAt >= settings.repeatIntervalMs && active.length > 0;
  const notified = newlyFiring.length > 0 || newlyResolved.length > 0 || repeatDue;
  if (notified) {
    const listed = [...active.map((i) => i.alert), ...newlyResolved.map((o) => o.item.alert)];
    messages.push({
      kind: newlyFiring.length > 0 || active.length > 0 ? 'firing' : 'resolved',
      status: active.length > 0 ? 'firing' : 'resolved',
      alerts: listed.slice(0, MAX_ALERTS_PER_MESSAGE),
      truncatedAlerts: Math.max(0, listed.length - MAX_ALERTS_PER_MESSAGE),
    });
    for (const { item } of newlyFiring) sent.set(item.alert.id, 'firing');
    for (const { item } of newlyResolved) sent.set(item.alert.id, 'resolved');
  }
  const lastSentAt = notified ? now : input.lastSentAt;
  const nextFlushAt =
    active.length > 0 && lastSentAt !== null ? lastSentAt + settings.repeatIntervalMs : null;
  return { messages, sent, notified, nextFlushAt };
}

/**
 * When a group must flush after an alert of it changed: null when the change is owed no notice. A group
 * that never sent waits `groupWaitMs` from its first owed change (at once for an alert at or above
 * `bypassGroupWaitAtLeast`); one that sent waits until `groupIntervalMs` after its last message. An earlier
 * due time already set is kept.
 */
export function dueAfterChange(input: {
  item: GroupAlert;
  settings: FlushSettings;
  channelType: ChannelType;
  lastSentAt: number | null;
  nextFlushAt: number | null;
  now: number;
}): number | null {
  const { item, settings, now } = input;
  const notices = owedNotices(item, settings, PER_ALERT_CHANNELS.has(input.channelType));
  // A resolve owed nothing still flushes soon, to mark the alert done; it sends nothing.
  const resolvedQuietly =
    notices.length === 0 && item.alert.status === 'resolved' && item.sent !== 'resolved';
  if (notices.length === 0 && !resolvedQuietly) return input.nextFlushAt;
  let due: number;
  if (input.lastSentAt === null) {
    const bypass = settings.bypassGroupWaitAtLeast;
    const urgent = bypass !== null && severityRank(item.alert.severity) >= severityRank(bypass);
    due = urgent ? now : now + settings.groupWaitMs;
  } else due = Math.max(now, input.lastSentAt + settings.groupIntervalMs);
  return input.nextFlushAt === null ? due : Math.min(input.nextFlushAt, due);
}
