import { createHmac } from 'node:crypto';
import type { Alert } from '@vigil/core';
import {
  DEFAULT_SIGNATURE_HEADER,
  type NotificationContent,
  type WebhookConfig,
} from '@vigil/core/notifications';
import { sendJson } from './http-send.ts';
import { alertUrl, type Sender } from './sender.ts';

/** Alertmanager's "not ended" endsAt. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The labels of an alert in the webhook payload: ruleId, severity, source, key, and service / userId when set. */
export function alertLabels(alert: Alert): Record<string, string> {
  const labels: Record<string, string> = {
    ruleId: alert.ruleId,
    severity: alert.severity,
    source: alert.source,
    key: alert.key,
  };
  if (alert.service) labels.service = alert.service;
  if (alert.userId) labels.userId = alert.userId;
  return labels;
}

export function alertAnnotations(alert: Alert): Record<string, string> {
  const annotations: Record<string, string> = {
    title: alert.title,
    message: alert.message,
    value: String(alert.value),
  };
  if (alert.threshold !== null) annotations.threshold = String(alert.threshold);
  return annotations;
}

/** The labels (or annotations) every item shares with the same value. */
function common(items: Record<string, string>[]): Record<string, string> {
  const [first, ...rest] = items;
  if (!first) return {};
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((item) => item[k] === v)));
}

/**
 * Alertmanager's webhook payload, version "4", so existing receivers work unchanged: one per message, every
 * alert of the group listed with its status. fingerprint is the alert id, generatorURL its dashboard page.
 */
export function buildWebhookPayload(content: NotificationContent, receiver: string, publicUrl: string) {
  const alerts = content.alerts.map((alert) => ({
    status: alert.status === 'resolved' ? 'resolved' : 'firing',
    labels: alertLabels(alert),
    annotations: alertAnnotations(alert),
    startsAt: alert.firstSeenAt ?? alert.eventTime,
    endsAt:
      alert.status === 'resolved' ? (alert.resolvedAt ?? alert.lastSeenAt ?? alert.eventTime) : ZERO_TIME,
    generatorURL: alertUrl(publicUrl, alert),
    fingerprint: alert.id,
  }));
  return {
    version: '4',
    groupKey: content.groupKey,
    truncatedAlerts: content.truncatedAlerts,
    status: content.status,
    receiver,
    groupLabels: content.groupLabels,
    commonLabels: common(alerts.map((a) => a.labels)),
    commonAnnotations: common(alerts.map((a) => a.annotations)),
    externalURL: publicUrl,
    alerts,
  };
}

/** `sha256=<hex>`: HMAC-SHA256 of the exact body bytes with the channel's secret. */
export const signBody = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** POST of the payload; the signature header when the channel has a secret, then its custom headers. */
export function createWebhookSender(options: { now: () => number }): Sender {
  return {
    send(request) {
      const config = request.channel.config as WebhookConfig;
      const body = JSON.stringify(
        buildWebhookPayload(request.content, request.channel.name, request.publicUrl),
      );
      const headers: Record<string, string> = {
        ...config.headers,
        'x-vigil-notification-id': request.notificationId,
      };
      if (config.secret)
        headers[config.signatureHeader ?? DEFAULT_SIGNATURE_HEADER] = signBody(config.secret, body);
      return sendJson(config.url, null, {
        rawBody: body,
        headers,
        timeoutMs: request.timeoutMs,
        now: options.now,
      });
    },
  };
}
