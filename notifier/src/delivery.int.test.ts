import { createHmac } from 'node:crypto';
import type { Alert } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { describeWith, services, uniqueName, waitFor } from '@vigil/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNotifierWorld, type NotifierWorld, PUBLIC_URL } from './testing/notifier-world.ts';
import { createReceiver, type Receiver, type ReceiverKind } from './testing/receiver.ts';
import { createSmtpReceiver } from './testing/smtp-receiver.ts';

const TEST_MS = 120_000;
const WAIT = { timeoutMs: 60_000 };

describeWith(['kafka', 'postgres'])(
  'notifier delivery (real Kafka, PostgreSQL and receivers on loopback)',
  () => {
    let world: NotifierWorld;
    const receivers: Receiver[] = [];
    const smtp = createSmtpReceiver();

    beforeAll(async () => {
      world = await createNotifierWorld(services());
      await smtp.start();
      await world.startNotifier('a');
    }, 120_000);
    afterAll(async () => {
      await world?.close();
      for (const r of receivers) await r.stop();
      await smtp.stop();
    });

    const receiver = async (kind: ReceiverKind) => {
      const r = createReceiver(kind);
      await r.start();
      receivers.push(r);
      return r;
    };
    const channel = (type: string, config: Record<string, unknown>) =>
      world.store.createChannel({ name: uniqueName(type), type, config }, 'test');
    const episode = (ruleId: string, overrides: Partial<Alert> = {}) =>
      makeAlert({ ruleId, key: uniqueName('key'), severity: 'high', ...overrides });
    const next = (a: Alert, overrides: Partial<Alert>): Alert => ({
      ...a,
      revision: (a.revision ?? 1) + 1,
      ...overrides,
    });

    it(
      'delivers to every channel type: one grouped message, acknowledge mirrored, a resolved notice, Discord edited in place',
      async () => {
        const [hook, slack, discord, pager] = await Promise.all(
          (['webhook', 'slack', 'discord', 'pagerduty'] as const).map(receiver),
        );
        const channels = await Promise.all([
          channel('webhook', { url: hook!.url, secret: 'hmac-key', headers: { 'X-Team': 'payments' } }),
          channel('slack', { url: slack!.url }),
          channel('discord', { url: `${discord!.url}/api/webhooks/1/token` }),
          channel('pagerduty', { url: pager!.url, routingKey: 'R0UTING' }),
          channel('email', {
            host: '127.0.0.1',
            port: smtp.port,
            from: 'vigil@test.example',
            to: ['oncall@test.example'],
          }),
        ]);
        const rule = uniqueName('rule');
        await world.policy({
          matchers: { ruleId: [rule] },
          channels: channels.map((c) => c.id),
          groupBy: ['ruleId'],
          groupWaitMs: 1_500,
          groupIntervalMs: 1_000,
        });
        const mailsBefore = smtp.mails.length;
        const alerts = [episode(rule), episode(rule), episode(rule)];
        await world.publish(alerts);

        await waitFor(
          () =>
            hook!.accepted().length >= 1 &&
            slack!.accepted().length >= 1 &&
            discord!.accepted().length >= 3 &&
            pager!.accepted().length >= 3 &&
            smtp.mails.length >= mailsBefore + 1,
          { ...WAIT, message: 'first notices on every channel' },
        );
        // Grouping: one message listing the three alerts on each grouped channel.
        const [first] = hook!.accepted();
        expect(hook!.accepted()).toHaveLength(1);
        expect((first!.body.alerts as { fingerprint: string }[]).map((a) => a.fingerprint).sort()).toEqual(
          alerts.map((a) => a.id).sort(),
        );
        expect(first!.body).toMatchObject({
          version: '4',
          status: 'firing',
          externalURL: PUBLIC_URL,
          groupLabels: { ruleId: rule },
        });
        expect(first!.headers['x-vigil-signature']).toBe(
          `sha256=${createHmac('sha256', 'hmac-key').update(first!.raw).digest('hex')}`,
        );
        expect(first!.headers['x-team']).toBe('payments');
        expect(slack!.accepted()).toHaveLength(1);
        expect(discord!.accepted().every((r) => r.method === 'POST' && r.path.includes('wait=true'))).toBe(
          true,
        );
        expect(
          pager!
            .accepted()
            .map((r) => r.body.dedup_key)
            .sort(),
        ).toEqual(alerts.map((a) => a.id).sort());
        expect(smtp.mails.at(-1)?.raw).toContain('[FIRING:3]');

        // Acknowledge one: mirrored to PagerDuty and edited in place on Discord.
        const acked = next(alerts[0]!, { status: 'acknowledged', acknowledgedBy: 'bob' });
        await world.publish([acked]);
        await waitFor(
          () =>
            pager!.accepted().some((r) => r.body.event_action === 'acknowledge') &&
            discord!.accepted().some((r) => r.method === 'PATCH'),
          {
            ...WAIT,
            message: 'acknowledge mirrored',
          },
        );

        // Resolve all: a resolved notice on every channel; Discord's three messages edited, none posted.
        await world.publish([
          next(acked, { status: 'resolved', resolvedAt: new Date().toISOString() }),
          ...alerts.slice(1).map((a) => next(a, { status: 'resolved' })),
        ]);
        await waitFor(
          () =>
            hook!.accepted().length >= 2 &&
            slack!.accepted().length >= 2 &&
            pager!.accepted().filter((r) => r.body.event_action === 'resolve').length >= 3 &&
            discord!.accepted().filter((r) => r.method === 'PATCH').length >= 4 &&
            smtp.mails.length >= mailsBefore + 2,
          { ...WAIT, message: 'resolved notices on every channel' },
        );
        const resolved = hook!.accepted()[1]!.body;
        expect(resolved.status).toBe('resolved');
        expect((resolved.alerts as { status: string }[]).every((a) => a.status === 'resolved')).toBe(true);
        const posted = discord!.accepted().filter((r) => r.method === 'POST');
        const edits = discord!.accepted().filter((r) => r.method === 'PATCH');
        expect(posted).toHaveLength(3);
        expect(new Set(edits.map((r) => /messages\/([^?]+)/.exec(r.path)?.[1]))).toEqual(
          new Set(['m1', 'm2', 'm3']),
        );
        expect(edits.some((r) => JSON.stringify(r.body).includes('[RESOLVED]'))).toBe(true);
        for (const r of [hook, slack, discord, pager]) expect(r!.badShapes()).toEqual([]);

        // The delivery log has each notification with its attempt.
        // Firing on 5 channels, acknowledge on the 2 per-alert ones, resolved on 5.
        const log = await waitFor(
          async () => {
            const page = await world.store.listNotifications({ alertId: alerts[0]!.id, limit: 100 });
            return page.items.length === 12 && page.items.every((n) => n.status === 'sent') ? page : null;
          },
          { ...WAIT, message: 'the delivery log of the first alert' },
        );
        expect(log.items.every((n) => n.attempts.length === 1 && n.attempts[0]?.outcome === 'sent')).toBe(
          true,
        );
      },
      TEST_MS,
    );

    it(
      'retries a 429 no sooner than its Retry-After: 2',
      async () => {
        const slack = await receiver('slack');
        slack.script({ status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' });
        const ch = await channel('slack', { url: slack.url });
        const rule = uniqueName('rule');
        await world.policy({ matchers: { ruleId: [rule] }, channels: [ch.id], groupWaitMs: 0 });
        await world.publish([episode(rule)]);
        // The receiver's answer comes before the attempt is recorded: wait for the record.
        const row = await waitFor(
          async () => (await world.store.listNotifications({ channelId: ch.id, status: 'sent' })).items[0],
          { ...WAIT, message: 'the retry sent' },
        );
        const attempts = row!.attempts;
        expect(attempts.map((a) => [a.outcome, a.statusCode])).toEqual([
          ['retry', 429],
          ['sent', 200],
        ]);
        expect(Date.parse(attempts[1]!.at) - Date.parse(attempts[0]!.at)).toBeGreaterThanOrEqual(2_000);
        expect(slack.received[1]!.at - slack.received[0]!.at).toBeGreaterThanOrEqual(2_000);
      },
      TEST_MS,
    );

    it(
      'rides out a receiver outage: retries recorded while it is down, delivered once when it is back; a 400 fails at once',
      async () => {
        const hook = await receiver('webhook');
        const { channelId, ruleId: rule } = await world.routeEachAlert(hook.url);
        await hook.stop();
        const down = episode(rule);
        await world.publish([down]);
        await waitFor(
          async () =>
            ((await world.store.listNotifications({ channelId })).items[0]?.attempts.filter(
              (a) => a.outcome === 'retry',
            ).length ?? 0) >= 2,
          { ...WAIT, message: 'two retries recorded while the receiver is down' },
        );
        const failing = (await world.store.channelHealth({ failingAfter: 2 })).find(
          (h) => h.channelId === channelId,
        );
        expect(failing).toMatchObject({ failing: true, queued: 1 });
        expect(failing?.lastError).toMatch(/^network:/);
        await hook.start();
        await waitFor(
          async () => (await world.store.listNotifications({ channelId, status: 'sent' })).items[0],
          { ...WAIT, message: 'delivered after the receiver came back' },
        );
        expect(hook.accepted()).toHaveLength(1);
        expect((await world.store.channelHealth()).find((h) => h.channelId === channelId)?.failing).toBe(
          false,
        );

        hook.script({ status: 400, body: 'no such team' });
        await world.publish([episode(rule)]);
        await waitFor(
          async () => (await world.store.listNotifications({ channelId, status: 'failed' })).items[0],
          { ...WAIT, message: 'the 400 failed' },
        ).then((failed) => {
          expect(failed.attempts.map((a) => a.outcome)).toEqual(['failed']);
          expect(failed.lastError).toBe('HTTP 400: no such team');
        });
        expect(hook.accepted()).toHaveLength(1);
      },
      TEST_MS,
    );

    it(
      'shares the work between two notifier instances, each notification sent once',
      async () => {
        await world.startNotifier('b');
        const hook = await receiver('webhook');
        const { ruleId: rule } = await world.routeEachAlert(hook.url);
        const alerts = Array.from({ length: 40 }, () => episode(rule));
        await world.publish(alerts);
        await waitFor(
          () =>
            new Set(hook.accepted().map((r) => (r.body.alerts as { fingerprint: string }[])[0]!.fingerprint))
              .size === 40,
          {
            ...WAIT,
            message: 'all 40 delivered',
          },
        );
        const fingerprints = hook
          .accepted()
          .map((r) => (r.body.alerts as { fingerprint: string }[])[0]!.fingerprint);
        expect(fingerprints.sort()).toEqual(alerts.map((a) => a.id).sort());
      },
      TEST_MS,
    );

    it(
      'keeps one Slack pace across both notifier instances: a message a second, deferred, never failed',
      async () => {
        const slack = await receiver('slack');
        const ch = await channel('slack', { url: slack.url });
        const rule = uniqueName('rule');
        await world.policy({
          matchers: { ruleId: [rule] },
          channels: [ch.id],
          groupWaitMs: 0,
          groupBy: ['key'],
        });
        const alerts = Array.from({ length: 4 }, () => episode(rule));
        const published = Date.now();
        await world.publish(alerts);
        await waitFor(
          async () =>
            (await world.store.listNotifications({ channelId: ch.id, status: 'sent' })).items.length === 4,
          {
            ...WAIT,
            message: 'all four sent',
          },
        );
        expect(slack.accepted()).toHaveLength(4);
        // Each message waits for a slot booked in the store: the last cannot start before three intervals passed.
        // (A lower bound only: a slower machine makes it later, never earlier.)
        expect(Math.max(...slack.accepted().map((r) => r.at)) - published).toBeGreaterThanOrEqual(3 * 1_000);
        const log = await world.store.listNotifications({ channelId: ch.id });
        expect(log.items.every((n) => n.attempts.length === 1 && n.attempts[0]!.outcome === 'sent')).toBe(
          true,
        );
      },
      TEST_MS,
    );

    describe('test messages', () => {
      it('answers with the receiver reply and records it', async () => {
        const pager = await receiver('pagerduty');
        const ch = await channel('pagerduty', { url: pager.url, routingKey: 'R0UTING' });
        const notifier = await world.startNotifier('c');
        const delivery = await notifier.sendTestMessage(ch.id);
        expect(delivery).toMatchObject({ outcome: 'sent', result: { ok: true, statusCode: 202 } });
        expect((await world.store.listNotifications({ channelId: ch.id })).items[0]).toMatchObject({
          kind: 'test',
          status: 'sent',
        });
        expect(await notifier.sendTestMessage('ch_missing')).toBeNull();
      });
    });
  },
);
