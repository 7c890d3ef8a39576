import type { Alert } from '@vigil/core';
import type { Channel, NotificationContent } from '@vigil/core/notifications';

/** What a sender gets: the message, its channel with secrets, and where the dashboard is. */
export interface SendRequest {
  /** The outbox id: sent as `X-Vigil-Notification-Id` (or the mail's Message-ID), so a receiver can drop a resend. */
  notificationId: string;
  content: NotificationContent;
  channel: Channel;
  /** The receiver's id of this thread's earlier message (Discord's message id to edit), if any. */
  threadExternalId: string | null;
  /** Base URL of the dashboard (VIGIL_PUBLIC_URL), for links to alerts. */
  publicUrl: string;
  timeoutMs: number;
}

/**
 * How a send ended. A failure is retriable (network error, timeout, 5xx, 429, 408) or not (any other 4xx: the
 * receiver refused the message, and trying again would be refused again); `error` is the receiver's words.
 */
export type SendResult =
  | { ok: true; statusCode: number | null; externalId: string | null; response: string }
  | { ok: false; retriable: boolean; statusCode: number | null; retryAfterMs: number | null; error: string };

/** One channel type's delivery. Implementations hold no per-channel state between sends. */
export interface Sender {
  send(request: SendRequest): Promise<SendResult>;
}

/** The dashboard page of an alert. */
export const alertUrl = (publicUrl: string, alert: Pick<Alert, 'id'>): string =>
  `${publicUrl.replace(/\/+$/, '')}/alerts/${encodeURIComponent(alert.id)}`;

/** "23 (threshold 20)", or the value alone for a rule without one. */
export const valueText = (alert: Pick<Alert, 'value' | 'threshold'>): string =>
  alert.threshold === null ? String(alert.value) : `${alert.value} (threshold ${alert.threshold})`;

/** `[FIRING:2] Error spike in payments` — the one-line headline of a message, Alertmanager-style. */
export function headline(content: NotificationContent): string {
  const firing = content.alerts.filter((a) => a.status !== 'resolved');
  const first = content.alerts[0];
  const what = content.alerts.length === 1 && first ? first.title : (first?.ruleId ?? 'alerts');
  if (content.kind === 'acknowledged') return `[ACKNOWLEDGED] ${what}`;
  if (content.status === 'resolved') return `[RESOLVED] ${what}`;
  return `[FIRING:${firing.length}] ${what}`;
}

/** Cuts text to `max` characters, ending in an ellipsis when cut (receivers refuse longer fields). */
export const clip = (text: string, max: number): string =>
  text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
