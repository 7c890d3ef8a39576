import type { NotificationContent, SlackConfig } from '@vigil/core/notifications';
import { sendJson } from './http-send.ts';
import { alertUrl, clip, headline, type Sender, valueText } from './sender.ts';

/** Alerts detailed in one Slack message; Block Kit allows 50 blocks, and a wall of them helps nobody. */
export const SLACK_MAX_ALERTS = 10;
/** Block Kit limits: header text 150 characters, section text 3,000. */
const HEADER_MAX = 150;
const SECTION_MAX = 3_000;

const EMOJI: Record<string, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

// Slack's mrkdwn: &, < and > are the only characters to escape.
const mrkdwn = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/**
 * Slack incoming-webhook JSON: `text` (the notification fallback) plus Block Kit blocks — a header, then per
 * alert its severity, title (linked to the dashboard), key and value against threshold.
 */
export function buildSlackPayload(content: NotificationContent, publicUrl: string) {
  const text = headline(content);
  const shown = content.alerts.slice(0, SLACK_MAX_ALERTS);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(text, HEADER_MAX) } },
  ];
  for (const alert of shown) {
    const state =
      alert.status === 'resolved'
        ? ':large_green_circle: resolved'
        : `${EMOJI[alert.severity] ?? ''} ${alert.severity}`;
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `*<${alertUrl(publicUrl, alert)}|${mrkdwn(alert.title)}>*\n${mrkdwn(alert.message)}`,
          SECTION_MAX,
        ),
      },
      fields: [
        { type: 'mrkdwn', text: `*Severity*\n${state}` },
        { type: 'mrkdwn', text: `*Key*\n\`${mrkdwn(clip(alert.key, 200))}\`` },
        { type: 'mrkdwn', text: `*Value*\n${valueText(alert)}` },
        { type: 'mrkdwn', text: `*Rule*\n${mrkdwn(alert.ruleId)}` },
      ],
    });
  }
  const more = content.alerts.length - shown.length + content.truncatedAlerts;
  if (more > 0)
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `and ${more} more in <${publicUrl}|Vigil>` }],
    });
  return { text, blocks };
}

export function createSlackSender(options: { now: () => number }): Sender {
  return {
    send(request) {
      const config = request.channel.config as SlackConfig;
      return sendJson(config.url, buildSlackPayload(request.content, request.publicUrl), {
        timeoutMs: request.timeoutMs,
        now: options.now,
      });
    },
  };
}
