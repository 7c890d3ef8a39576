import type { Alert, Severity } from '@vigil/core';
import {
  type NotificationContent,
  PAGERDUTY_EVENTS_URL,
  type PagerDutyConfig,
} from '@vigil/core/notifications';
import { sendJson } from './http-send.ts';
import { alertUrl, clip, type Sender } from './sender.ts';

/** PagerDuty's severities: critical, error, warning, info. */
export const PAGERDUTY_SEVERITY: Record<Severity, 'critical' | 'error' | 'warning' | 'info'> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'warning',
  info: 'info',
};
const ACTIONS = {
  firing: 'trigger',
  acknowledged: 'acknowledge',
  resolved: 'resolve',
  test: 'trigger',
} as const;
/** payload.summary's limit. */
const SUMMARY_MAX = 1_024;

/**
 * One Events API v2 event per alert (a per-alert channel): dedup_key is the episode id, so the incident a
 * trigger opens is acknowledged and resolved by the same key as Vigil's alert is.
 */
export function buildPagerDutyEvent(
  content: NotificationContent,
  config: PagerDutyConfig,
  publicUrl: string,
) {
  const alert = content.alerts[0] as Alert;
  const event_action = ACTIONS[content.kind];
  const base = { routing_key: config.routingKey, event_action, dedup_key: alert.id };
  if (event_action !== 'trigger') return base;
  return {
    ...base,
    payload: {
      summary: clip(`${alert.title}: ${alert.message}`, SUMMARY_MAX),
      source: config.source ?? alert.service ?? alert.key,
      severity: PAGERDUTY_SEVERITY[alert.severity],
      timestamp: alert.firstSeenAt ?? alert.eventTime,
      component: alert.service ?? undefined,
      group: alert.source,
      class: alert.ruleId,
      custom_details: {
        ruleId: alert.ruleId,
        key: alert.key,
        value: alert.value,
        threshold: alert.threshold,
        occurrences: alert.occurrences ?? 1,
        userId: alert.userId,
        message: alert.message,
      },
    },
    links: [{ href: alertUrl(publicUrl, alert), text: 'Alert in Vigil' }],
    client: 'Vigil',
    client_url: publicUrl,
  };
}

export function createPagerDutySender(options: { now: () => number }): Sender {
  return {
    send(request) {
      const config = request.channel.config as PagerDutyConfig;
      return sendJson(
        config.url ?? PAGERDUTY_EVENTS_URL,
        buildPagerDutyEvent(request.content, config, request.publicUrl),
        {
          timeoutMs: request.timeoutMs,
          now: options.now,
          idOf: (answer) => {
            try {
              const key = (JSON.parse(answer.text) as { dedup_key?: unknown }).dedup_key;
              return typeof key === 'string' ? key : null;
            } catch {
              return null; // the incident is known by dedup_key anyway
            }
          },
        },
      );
    },
  };
}
