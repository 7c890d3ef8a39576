import type { Alert } from '@vigil/core';
import type { DiscordConfig, NotificationContent } from '@vigil/core/notifications';
import { sendJson } from './http-send.ts';
import { alertUrl, clip, type Sender, valueText } from './sender.ts';

/** Discord's embed limits. */
export const DISCORD_LIMITS = { title: 256, description: 4_096, fieldValue: 1_024 } as const;

/** Embed colours by severity; resolved is green whatever the severity. */
export const DISCORD_COLOURS = {
  critical: 0x992d22,
  high: 0xe74c3c,
  medium: 0xe67e22,
  low: 0xf1c40f,
  info: 0x3498db,
  resolved: 0x2ecc71,
} as const;

const stateOf = (alert: Alert) =>
  alert.status === 'resolved'
    ? `Resolved${alert.resolvedBy ? ` by ${alert.resolvedBy}` : ''}`
    : alert.status === 'acknowledged'
      ? `Acknowledged${alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : ''}`
      : 'Firing';

/** The message of one alert (Discord is a per-alert channel): one embed, posted once and edited on change. */
export function buildDiscordPayload(content: NotificationContent, publicUrl: string, username?: string) {
  const alert = content.alerts[0];
  if (!alert) return { content: 'Vigil', embeds: [] };
  const resolved = alert.status === 'resolved';
  const prefix = resolved ? '[RESOLVED] ' : alert.status === 'acknowledged' ? '[ACK] ' : '';
  return {
    ...(username ? { username } : {}),
    embeds: [
      {
        title: clip(`${prefix}${alert.title}`, DISCORD_LIMITS.title),
        description: clip(alert.message, DISCORD_LIMITS.description),
        url: alertUrl(publicUrl, alert),
        color: resolved ? DISCORD_COLOURS.resolved : DISCORD_COLOURS[alert.severity],
        fields: [
          { name: 'Severity', value: alert.severity, inline: true },
          { name: 'Status', value: clip(stateOf(alert), DISCORD_LIMITS.fieldValue), inline: true },
          { name: 'Value', value: valueText(alert), inline: true },
          { name: 'Key', value: clip(alert.key, DISCORD_LIMITS.fieldValue), inline: false },
        ],
        footer: { text: clip(alert.ruleId, 2_048) },
        timestamp: alert.firstSeenAt ?? alert.eventTime,
      },
    ],
  };
}

/** `…/webhooks/{id}/{token}?wait=true` to post (the answer carries the message), `…/messages/{mid}` to edit. */
export function discordUrl(webhookUrl: string, messageId: string | null): string {
  const url = new URL(webhookUrl);
  if (messageId)
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/messages/${encodeURIComponent(messageId)}`;
  else url.searchParams.set('wait', 'true');
  return url.toString();
}

/**
 * Posts a new alert's message with `?wait=true` and keeps its id; an acknowledge or resolve of the same alert
 * edits that message (PATCH) instead of posting another. Without an id (its post failed for good) it posts.
 */
export function createDiscordSender(options: { now: () => number }): Sender {
  return {
    send(request) {
      const config = request.channel.config as DiscordConfig;
      const edit = request.content.kind !== 'firing' && request.threadExternalId !== null;
      const messageId = edit ? request.threadExternalId : null;
      return sendJson(
        discordUrl(config.url, messageId),
        buildDiscordPayload(request.content, request.publicUrl, config.username),
        {
          method: edit ? 'PATCH' : 'POST',
          timeoutMs: request.timeoutMs,
          now: options.now,
          idOf: (answer) => {
            if (edit) return messageId;
            try {
              const id = (JSON.parse(answer.text) as { id?: unknown }).id;
              return typeof id === 'string' ? id : null;
            } catch {
              return null; // a receiver that answers 204 without a body: later changes post anew
            }
          },
        },
      );
    },
  };
}
