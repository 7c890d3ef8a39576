import { createHmac } from 'node:crypto';
import type { Alert } from '@vigil/core';
import type { NotificationContent } from '@vigil/core/notifications';
import { makeAlert } from '@vigil/db/testing';
import { describe, expect, it } from 'vitest';
import { buildDiscordPayload, DISCORD_COLOURS, discordUrl } from './discord-sender.ts';
import { buildEmail } from './email-sender.ts';
import { buildPagerDutyEvent } from './pagerduty-sender.ts';
import { buildSlackPayload, SLACK_MAX_ALERTS } from './slack-sender.ts';
import { buildWebhookPayload, signBody } from './webhook-sender.ts';

const URL_BASE = 'https://vigil.example.com';
/** The project's alert fixture, with the fields these payload shapes are checked against. */
const alert = (overrides: Partial<Alert> = {}): Alert =>
  makeAlert({
    id: 'al-1',
    title: 'Error spike in payments',
    message: '23 ERROR logs in 3 min',
    eventTime: '2031-05-01T12:00:00.000Z',
    detectedAt: '2031-05-01T12:00:01.000Z',
    firstSeenAt: '2031-05-01T11:59:00.000Z',
    lastSeenAt: '2031-05-01T12:00:00.000Z',
    occurrences: 3,
    ...overrides,
  });
const content = (alerts: Alert[], overrides: Partial<NotificationContent> = {}): NotificationContent => ({
  kind: 'firing',
  status: 'firing',
  groupKey: '0:{ruleId="logs.error-spike"}',
  groupLabels: { ruleId: 'logs.error-spike' },
  alerts,
  truncatedAlerts: 0,
  ...overrides,
});

describe('webhook: Alertmanager payload version 4', () => {
  it('has every field of the documented shape', () => {
    const resolved = alert({
      id: 'al-2',
      status: 'resolved',
      resolvedAt: '2031-05-01T12:10:00.000Z',
      userId: 'u7',
      service: null,
      key: 'userId=u7',
    });
    const payload = buildWebhookPayload(content([alert(), resolved]), 'ops-hook', URL_BASE);
    expect(payload).toEqual({
      version: '4',
      groupKey: '0:{ruleId="logs.error-spike"}',
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'ops-hook',
      groupLabels: { ruleId: 'logs.error-spike' },
      commonLabels: { ruleId: 'logs.error-spike', severity: 'high', source: 'logs' },
      commonAnnotations: {
        title: 'Error spike in payments',
        message: '23 ERROR logs in 3 min',
        value: '23',
        threshold: '20',
      },
      externalURL: URL_BASE,
      alerts: [
        {
          status: 'firing',
          labels: {
            ruleId: 'logs.error-spike',
            severity: 'high',
            source: 'logs',
            key: 'service=payments',
            service: 'payments',
          },
          annotations: {
            title: 'Error spike in payments',
            message: '23 ERROR logs in 3 min',
            value: '23',
            threshold: '20',
          },
          startsAt: '2031-05-01T11:59:00.000Z',
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: `${URL_BASE}/alerts/al-1`,
          fingerprint: 'al-1',
        },
        {
          status: 'resolved',
          labels: {
            ruleId: 'logs.error-spike',
            severity: 'high',
            source: 'logs',
            key: 'userId=u7',
            userId: 'u7',
          },
          annotations: {
            title: 'Error spike in payments',
            message: '23 ERROR logs in 3 min',
            value: '23',
            threshold: '20',
          },
          startsAt: '2031-05-01T11:59:00.000Z',
          endsAt: '2031-05-01T12:10:00.000Z',
          generatorURL: `${URL_BASE}/alerts/al-2`,
          fingerprint: 'al-2',
        },
      ],
    });
  });
  it('leaves threshold out of the annotations of a rule without one, and escapes ids in the link', () => {
    const [item] = buildWebhookPayload(
      content([alert({ threshold: null, id: 'a/b c' })]),
      'r',
      `${URL_BASE}/`,
    ).alerts;
    expect(item?.annotations).not.toHaveProperty('threshold');
    expect(item?.generatorURL).toBe(`${URL_BASE}/alerts/a%2Fb%20c`);
  });
  it('signs the exact body with HMAC-SHA256', () => {
    const body = '{"a":1}';
    expect(signBody('key', body)).toBe(`sha256=${createHmac('sha256', 'key').update(body).digest('hex')}`);
  });
});

describe('slack: text plus Block Kit', () => {
  it('gives a fallback text and a section per alert with severity, title link, key and value vs threshold', () => {
    const payload = buildSlackPayload(content([alert()]), URL_BASE);
    expect(payload.text).toBe('[FIRING:1] Error spike in payments');
    expect(payload.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: payload.text } });
    const section = JSON.stringify(payload.blocks[1]);
    for (const part of [
      'high',
      `<${URL_BASE}/alerts/al-1|Error spike in payments>`,
      'service=payments',
      '23 (threshold 20)',
    ])
      expect(section).toContain(part);
  });
  it('details at most SLACK_MAX_ALERTS alerts and counts the rest', () => {
    const alerts = Array.from({ length: 14 }, (_, i) => alert({ id: `al-${i}` }));
    const payload = buildSlackPayload(content(alerts, { truncatedAlerts: 5 }), URL_BASE);
    expect(payload.blocks).toHaveLength(1 + SLACK_MAX_ALERTS + 1);
    expect(JSON.stringify(payload.blocks.at(-1))).toContain('and 9 more');
  });
  it('escapes mrkdwn control characters from alert text', () => {
    const payload = buildSlackPayload(content([alert({ title: '<!channel> & co' })]), URL_BASE);
    expect(JSON.stringify(payload.blocks[1])).toContain('&lt;!channel&gt; &amp; co');
  });
  it('says resolved once the last alert resolved', () => {
    expect(
      buildSlackPayload(
        content([alert({ status: 'resolved' })], { status: 'resolved', kind: 'resolved' }),
        URL_BASE,
      ).text,
    ).toBe('[RESOLVED] Error spike in payments');
  });
});

describe('discord: one embed per alert', () => {
  it('colours by severity, green when resolved, within the embed limits', () => {
    const long = 'x'.repeat(5_000);
    const [embed] = buildDiscordPayload(content([alert({ title: long, message: long })]), URL_BASE).embeds;
    expect(embed?.title.length).toBe(256);
    expect(embed?.description.length).toBe(4_096);
    expect(embed?.color).toBe(DISCORD_COLOURS.high);
    expect(embed?.url).toBe(`${URL_BASE}/alerts/al-1`);
    const [resolved] = buildDiscordPayload(
      content([alert({ status: 'resolved', resolvedBy: 'bob' })]),
      URL_BASE,
    ).embeds;
    expect(resolved?.color).toBe(DISCORD_COLOURS.resolved);
    expect(resolved?.title).toMatch(/^\[RESOLVED\]/);
    expect(JSON.stringify(resolved?.fields)).toContain('Resolved by bob');
  });
  it('posts with wait=true and edits by message id, keeping the webhook query', () => {
    expect(discordUrl('https://discord.com/api/webhooks/1/tok', null)).toBe(
      'https://discord.com/api/webhooks/1/tok?wait=true',
    );
    expect(discordUrl('https://discord.com/api/webhooks/1/tok?thread_id=9', 'm1')).toBe(
      'https://discord.com/api/webhooks/1/tok/messages/m1?thread_id=9',
    );
  });
});

describe('pagerduty: Events API v2', () => {
  const config = { routingKey: 'R0UTINGKEY' };
  it('triggers with dedup_key = episode id, payload and links', () => {
    expect(buildPagerDutyEvent(content([alert()]), config, URL_BASE)).toEqual({
      routing_key: 'R0UTINGKEY',
      event_action: 'trigger',
      dedup_key: 'al-1',
      payload: {
        summary: 'Error spike in payments: 23 ERROR logs in 3 min',
        source: 'payments',
        severity: 'error',
        timestamp: '2031-05-01T11:59:00.000Z',
        component: 'payments',
        group: 'logs',
        class: 'logs.error-spike',
        custom_details: {
          ruleId: 'logs.error-spike',
          key: 'service=payments',
          value: 23,
          threshold: 20,
          occurrences: 3,
          userId: null,
          message: '23 ERROR logs in 3 min',
        },
      },
      links: [{ href: `${URL_BASE}/alerts/al-1`, text: 'Alert in Vigil' }],
      client: 'Vigil',
      client_url: URL_BASE,
    });
  });
  it('mirrors acknowledge and resolve by dedup_key alone', () => {
    for (const [kind, action] of [
      ['acknowledged', 'acknowledge'],
      ['resolved', 'resolve'],
    ] as const)
      expect(buildPagerDutyEvent(content([alert()], { kind }), config, URL_BASE)).toEqual({
        routing_key: 'R0UTINGKEY',
        event_action: action,
        dedup_key: 'al-1',
      });
  });
});

describe('email', () => {
  it('has a subject, a text part and an HTML part with each alert linked', () => {
    const mail = buildEmail(content([alert({ title: 'A <b>bold</b> title' })]), URL_BASE);
    expect(mail.subject).toBe('[FIRING:1] A <b>bold</b> title');
    expect(mail.text).toContain(`${URL_BASE}/alerts/al-1`);
    expect(mail.html).toContain(`<a href="${URL_BASE}/alerts/al-1">A &lt;b&gt;bold&lt;/b&gt; title</a>`);
  });
});
