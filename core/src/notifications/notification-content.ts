import type { Alert } from '../alerts/alert.ts';
import type { NoticeKind } from './plan-flush.ts';

/**
 * What one outbox notification says, independent of the channel: the sender turns it into the channel's
 * body when it sends (so a channel's URL or secret changed meanwhile is used). Alerts are snapshots taken
 * when the group flushed.
 */
export interface NotificationContent {
  kind: NoticeKind | 'test';
  status: 'firing' | 'resolved';
  groupKey: string;
  groupLabels: Record<string, string>;
  alerts: Alert[];
  truncatedAlerts: number;
}

export const NOTIFICATION_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
/** pending: waiting for its next attempt; sending: leased by a notifier; sent and failed are final. */
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Outcome of one attempt: retry means another attempt is scheduled, deferred that a rate limit held it back. */
export const ATTEMPT_OUTCOMES = ['sent', 'retry', 'failed', 'deferred'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];
