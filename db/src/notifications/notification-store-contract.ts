import { randomBytes } from 'node:crypto';
import { type Alert, ValidationError } from '@vigil/core';
import {
  ATTEMPT_OUTCOMES,
  CHANNEL_TYPES,
  NOTIFICATION_STATUSES,
  REDACTED,
  type RouteInput,
} from '@vigil/core/notifications';
import { describe, expect, it } from 'vitest';
import { makeAlert } from '../alert-fixtures.ts';
import type { AlertStore } from '../alert-store-port.ts';
import { openForSuite } from '../contract-suite.ts';
import type { NotificationStore } from './notification-store-port.ts';

export interface OpenedNotificationStore {
  notifications: NotificationStore;
  /** The alert store of the same database (the activity trail needs stored alerts). */
  alerts: AlertStore;
  close(): Promise<void>;
}

const unique = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;
const SECOND = 1_000;
// Each test moves on from where the last one left the clock, so a test's groups are never due in its past.
let clock = Date.parse('2031-06-01T00:00:00.000Z');
const later = () => (clock += 86_400_000);

/**
 * The behaviour every NotificationStore must have. One database for the suite: the policy is one row, so each
 * test saves the policy it needs; every test makes channels of its own and reads the outbox by channel.
 */
export function runNotificationStoreContract(
  name: string,
  open: () => Promise<OpenedNotificationStore>,
): void {
  describe(`NotificationStore contract: ${name}`, { timeout: 60_000 }, () => {
    const opened = openForSuite(open);
    const store = (): NotificationStore => opened().notifications;
    const webhook = (config: Record<string, unknown> = {}) =>
      store().createChannel(
        {
          name: unique('hook'),
          type: 'webhook',
          config: { url: 'http://127.0.0.1:9/hook', secret: 's3cret', ...config },
        },
        'admin',
      );
    const discord = () =>
      store().createChannel(
        { name: unique('discord'), type: 'discord', config: { url: 'http://127.0.0.1:9/d/1/tok' } },
        'admin',
      );
    const policy = (...routes: RouteInput[]) => store().putPolicy({ routes }, 'admin');
    const alert = (overrides: Partial<Alert> = {}) => makeAlert({ ruleId: unique('rule'), ...overrides });
    const next = (a: Alert, overrides: Partial<Alert>): Alert => ({
      ...a,
      revision: (a.revision ?? 1) + 1,
      ...overrides,
    });
    /** Claims everything due and returns this channel's rows (other tests' leftovers are left leased). */
    const claim = async (channelId: string, now: number, owner = 'n1') =>
      (await store().claimNotifications({ owner, now, limit: 500, leaseMs: 60 * SECOND })).filter(
        (c) => c.channelId === channelId,
      );
    const sendAll = async (channelId: string, now: number) => {
      const claimed = await claim(channelId, now);
      for (const c of claimed)
        await store().completeAttempt({
          id: c.id,
          owner: 'n1',
          at: now,
          durationMs: 5,
          outcome: 'sent',
          statusCode: 200,
          error: null,
        });
      return claimed;
    };
    const log = async (channelId: string) =>
      (await store().listNotifications({ channelId, limit: 200 })).items;

    const firingMessage = async (channelFactory = webhook) => {
      const channel = await channelFactory();
      await policy({ channels: [channel.id], groupWaitMs: 0, groupIntervalMs: SECOND, groupBy: [] });
      const t0 = later();
      const a = alert();
      await store().ingestAlerts([a], t0);
      await store().flushDueGroups({ now: t0, limit: 500 });
      return { channel, t0, a };
    };

    describe('channels', () => {
      it('stores a channel and never reads its secrets back, except for sending', async () => {
        const created = await webhook({ headers: { Authorization: 'Bearer t', 'X-Team': 'ops' } });
        expect(created).toMatchObject({ type: 'webhook', enabled: true, updatedBy: 'admin' });
        expect(created.config).toEqual({
          url: 'http://127.0.0.1:9/hook',
          secret: REDACTED,
          headers: { Authorization: REDACTED, 'X-Team': 'ops' },
        });
        expect((await store().getChannel(created.id))?.config).toEqual(created.config);
        expect((await store().listChannels()).find((c) => c.id === created.id)?.config).toEqual(
          created.config,
        );
        expect((await store().channelForSending(created.id))?.config).toMatchObject({
          secret: 's3cret',
          headers: { Authorization: 'Bearer t' },
        });
      });
      it('keeps a secret sent back redacted on update and takes a new one', async () => {
        const created = await webhook();
        const updated = await store()
          .updateChannel(
            created.id,
            {
              ...created,
              config: { ...created.config, url: 'http://127.0.0.1:9/v2' },
              enabled: false,
              id: undefined,
              createdAt: undefined,
              updatedAt: undefined,
              updatedBy: undefined,
            },
            'other',
          )
          .catch((e: unknown) => e);
        expect(updated).toBeInstanceOf(ValidationError); // unknown fields are refused, not ignored
        const body = {
          name: created.name,
          type: 'webhook',
          config: { ...created.config, url: 'http://127.0.0.1:9/v2' },
          enabled: false,
        };
        const saved = await store().updateChannel(created.id, body, 'other');
        expect(saved).toMatchObject({
          enabled: false,
          updatedBy: 'other',
          config: { url: 'http://127.0.0.1:9/v2', secret: REDACTED },
        });
        expect((await store().channelForSending(created.id))?.config).toMatchObject({ secret: 's3cret' });
        await store().updateChannel(
          created.id,
          { ...body, config: { ...body.config, secret: 'new' } },
          'other',
        );
        expect((await store().channelForSending(created.id))?.config).toMatchObject({ secret: 'new' });
        expect(await store().updateChannel('ch_missing', body, 'other')).toBeNull();
      });
      it('refuses a bad config and a taken name with per-field problems', async () => {
        const bad = await store()
          .createChannel({ name: 'x', type: 'slack', config: { url: 'nope' } }, 'admin')
          .catch((e: unknown) => e);
        expect((bad as ValidationError).details).toEqual({
          problems: [{ field: 'config.url', reason: expect.any(String) }],
        });
        const first = await webhook();
        const taken = await store()
          .createChannel(
            { name: first.name.toUpperCase(), type: 'slack', config: { url: 'https://x' } },
            'admin',
          )
          .catch((e: unknown) => e);
        expect(taken).toBeInstanceOf(ValidationError);
        expect((taken as ValidationError).details).toEqual({
          problems: [{ field: 'name', reason: expect.any(String) }],
        });
      });
      it('deletes a channel only once the policy no longer sends to it', async () => {
        const used = await webhook();
        await policy({ channels: [used.id] });
        const refused = await store()
          .deleteChannel(used.id)
          .catch((e: unknown) => e);
        expect((refused as ValidationError).details).toEqual({
          problems: [{ field: 'routes[0].channels', reason: expect.any(String) }],
        });
        await policy();
        expect(await store().deleteChannel(used.id)).toBe(true);
        expect(await store().getChannel(used.id)).toBeNull();
        expect(await store().deleteChannel(used.id)).toBe(false);
      });
    });

    describe('policy', () => {
      it('is saved with defaults, versioned, and says who saved it', async () => {
        const channel = await webhook();
        const before = await store().getPolicy();
        const saved = await store().putPolicy(
          { routes: [{ matchers: { minSeverity: 'high' }, channels: [channel.id] }] },
          'alice',
        );
        expect(saved).toMatchObject({ version: before.version + 1, updatedBy: 'alice' });
        expect(saved.routes[0]).toMatchObject({
          groupWaitMs: 30_000,
          sendResolved: true,
          channels: [channel.id],
        });
        expect(await store().getPolicy()).toEqual(saved);
      });
      it('names every problem by field, unknown channels included', async () => {
        const error = await store()
          .putPolicy({ routes: [{ channels: ['ch_nope'] }, { channels: [], groupWaitMs: 'x' }] }, 'a')
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ValidationError);
        const fields = ((error as ValidationError).details as { problems: { field: string }[] }).problems.map(
          (p) => p.field,
        );
        expect(fields).toEqual(['routes[1].channels', 'routes[1].groupWaitMs']);
        const unknown = await store()
          .putPolicy({ routes: [{ channels: ['ch_nope'] }] }, 'a')
          .catch((e: unknown) => e);
        expect((unknown as ValidationError).details).toEqual({
          problems: [{ field: 'routes[0].channels[0]', reason: 'no channel ch_nope' }],
        });
      });
    });

    describe('grouping', () => {
      it('holds a new group for groupWaitMs, then sends its alerts in one message', async () => {
        const channel = await webhook();
        await policy({ channels: [channel.id], groupBy: ['service'], groupWaitMs: 30 * SECOND });
        const t0 = later();
        const service = unique('svc');
        const [a, b] = [alert({ service }), alert({ service })];
        await store().ingestAlerts([a], t0);
        await store().ingestAlerts([b], t0 + 10 * SECOND);
        await store().flushDueGroups({ now: t0 + 29 * SECOND, limit: 500 });
        expect(await log(channel.id)).toEqual([]);
        await store().flushDueGroups({ now: t0 + 30 * SECOND, limit: 500 });
        const [message, ...rest] = await log(channel.id);
        expect(rest).toEqual([]);
        expect(message).toMatchObject({
          kind: 'firing',
          status: 'pending',
          groupKey: `0:{service=${JSON.stringify(service)}}`,
        });
        expect(message?.alertIds.sort()).toEqual([a.id, b.id].sort());
        // A second flush plans nothing new.
        await store().flushDueGroups({ now: t0 + 31 * SECOND, limit: 500 });
        expect(await log(channel.id)).toHaveLength(1);
      });
      it('skips a redelivered or older revision', async () => {
        const channel = await webhook();
        await policy({ channels: [channel.id], groupWaitMs: 0 });
        const a = alert();
        const t0 = later();
        expect(await store().ingestAlerts([a], t0)).toEqual({ changed: 1, skipped: 0 });
        expect(await store().ingestAlerts([a], t0)).toEqual({ changed: 0, skipped: 1 });
        expect(await store().ingestAlerts([next(a, { occurrences: 2 }), a], t0)).toEqual({
          changed: 1,
          skipped: 0,
        });
      });
      it('sends the resolved notice groupIntervalMs after the firing one, and repeats after repeatIntervalMs', async () => {
        const channel = await webhook();
        await policy({
          channels: [channel.id],
          groupWaitMs: 0,
          groupIntervalMs: 60 * SECOND,
          repeatIntervalMs: 3_600 * SECOND,
        });
        const t0 = later();
        const [a, b] = [alert(), alert()];
        await store().ingestAlerts([a], t0);
        await store().ingestAlerts([b], t0);
        await store().flushDueGroups({ now: t0, limit: 500 });
        await store().ingestAlerts([next(a, { status: 'resolved' })], t0 + SECOND);
        await store().flushDueGroups({ now: t0 + 59 * SECOND, limit: 500 });
        expect(await log(channel.id)).toHaveLength(2); // a and b: two groups (groupBy ruleId)
        await store().flushDueGroups({ now: t0 + 60 * SECOND, limit: 500 });
        const resolved = (await log(channel.id))[0];
        expect(resolved).toMatchObject({ kind: 'resolved', alertIds: [a.id] });
        await store().flushDueGroups({ now: t0 + 3_600 * SECOND, limit: 500 });
        const repeat = (await log(channel.id))[0];
        expect(repeat).toMatchObject({ kind: 'firing', alertIds: [b.id] });
        expect(await log(channel.id)).toHaveLength(4);
      });
      it('never announces a silenced alert, but sends the resolve of an announced one even when silenced now', async () => {
        const channel = await webhook();
        await policy({ channels: [channel.id], groupWaitMs: 0, groupIntervalMs: SECOND });
        const t0 = later();
        const quiet = alert({ silencedBy: ['sil-1'] });
        const loud = alert();
        await store().ingestAlerts([quiet, loud], t0);
        await store().flushDueGroups({ now: t0, limit: 500 });
        expect((await log(channel.id)).map((n) => n.alertIds)).toEqual([[loud.id]]);
        await store().ingestAlerts(
          [next(loud, { status: 'resolved', silencedBy: ['sil-2'] }), next(quiet, { status: 'resolved' })],
          t0 + SECOND,
        );
        await store().flushDueGroups({ now: t0 + 2 * SECOND, limit: 500 });
        const items = await log(channel.id);
        expect(items.map((n) => [n.kind, n.alertIds])).toEqual([
          ['resolved', [loud.id]],
          ['firing', [loud.id]],
        ]);
      });
      it('lets a critical alert skip groupWaitMs', async () => {
        const channel = await webhook();
        await policy({ channels: [channel.id], groupWaitMs: 600 * SECOND });
        const t0 = later();
        await store().ingestAlerts([alert({ severity: 'critical' })], t0);
        await store().flushDueGroups({ now: t0, limit: 500 });
        expect(await log(channel.id)).toHaveLength(1);
      });
      it('routes by the policy and follows an announced alert after the policy changed', async () => {
        const [high, rest] = [await webhook(), await webhook()];
        await policy(
          { matchers: { minSeverity: 'high' }, channels: [high.id], groupWaitMs: 0, groupIntervalMs: SECOND },
          { channels: [rest.id], groupWaitMs: 0 },
        );
        const t0 = later();
        const a = alert({ severity: 'high' });
        await store().ingestAlerts([a, alert({ severity: 'low' })], t0);
        await store().flushDueGroups({ now: t0, limit: 500 });
        expect([(await log(high.id)).length, (await log(rest.id)).length]).toEqual([1, 1]);
        await policy({ channels: [rest.id], groupWaitMs: 0 });
        await store().ingestAlerts([next(a, { status: 'resolved' })], t0 + SECOND);
        await store().flushDueGroups({ now: t0 + 2 * SECOND, limit: 500 });
        expect((await log(high.id))[0]).toMatchObject({ kind: 'resolved', alertIds: [a.id] });
      });
      it('gives a per-alert channel one message per notice, acknowledge mirrored', async () => {
        const channel = await discord();
        await policy({ channels: [channel.id], groupWaitMs: 0, groupIntervalMs: SECOND, groupBy: [] });
        const t0 = later();
        const [a, b] = [alert(), alert()];
        await store().ingestAlerts([a, b], t0);
        await store().flushDueGroups({ now: t0, limit: 500 });
        await store().ingestAlerts([next(a, { status: 'acknowledged', acknowledgedBy: 'bob' })], t0 + SECOND);
        await store().flushDueGroups({ now: t0 + SECOND, limit: 500 });
        expect((await log(channel.id)).map((n) => [n.kind, n.alertIds.length]).reverse()).toEqual([
          ['firing', 1],
          ['firing', 1],
          ['acknowledged', 1],
        ]);
      });
    });

    describe('outbox', () => {
      it('leases a notification to one notifier until its lease expires', async () => {
        const { channel, t0, a } = await firingMessage();
        const [claimed] = await claim(channel.id, t0, 'n1');
        expect(claimed).toMatchObject({ kind: 'firing', attempts: 0, channelType: 'webhook' });
        expect(claimed?.content.alerts.map((x) => x.id)).toEqual([a.id]);
        expect(claimed?.channel?.config).toMatchObject({ secret: 's3cret' });
        expect(await claim(channel.id, t0 + SECOND, 'n2')).toEqual([]);
        // n1 crashed: after the lease, n2 takes it, and n1's late report no longer counts.
        const [again] = await claim(channel.id, t0 + 61 * SECOND, 'n2');
        expect(again?.id).toBe(claimed?.id);
        const late = await store().completeAttempt({
          id: claimed!.id,
          owner: 'n1',
          at: t0 + 62 * SECOND,
          durationMs: 1,
          outcome: 'sent',
          statusCode: 200,
          error: null,
        });
        expect(late).toBe(false);
        const done = await store().completeAttempt({
          id: claimed!.id,
          owner: 'n2',
          at: t0 + 62 * SECOND,
          durationMs: 3,
          outcome: 'sent',
          statusCode: 200,
          error: null,
          activityNote: 'webhook: firing',
        });
        expect(done).toBe(true);
        const [row] = await log(channel.id);
        expect(row).toMatchObject({ status: 'sent', attemptCount: 1, lastStatusCode: 200 });
        expect(row?.attempts.map((x) => x.outcome)).toEqual(['sent', 'sent']);
      });
      it('never leases one notification to two notifiers claiming at once', async () => {
        const channel = await webhook();
        await policy({ channels: [channel.id], groupWaitMs: 0 });
        const t0 = later();
        await store().ingestAlerts(
          Array.from({ length: 20 }, () => alert()),
          t0,
        );
        await store().flushDueGroups({ now: t0, limit: 500 });
        const batches = await Promise.all(
          ['a', 'b', 'c'].map((owner) =>
            store().claimNotifications({ owner, now: t0, limit: 30, leaseMs: 60_000 }),
          ),
        );
        const ids = batches
          .flat()
          .filter((c) => c.channelId === channel.id)
          .map((c) => c.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.length).toBe(20);
      });
      it('retries at the time given, counting attempts, and fails for good', async () => {
        const { channel, t0 } = await firingMessage();
        const [first] = await claim(channel.id, t0);
        await store().completeAttempt({
          id: first!.id,
          owner: 'n1',
          at: t0,
          durationMs: 9,
          outcome: 'retry',
          statusCode: 503,
          error: 'Service Unavailable',
          nextAttemptAt: t0 + 2 * SECOND,
        });
        expect(await claim(channel.id, t0 + SECOND)).toEqual([]);
        const [second] = await claim(channel.id, t0 + 2 * SECOND);
        expect(second?.attempts).toBe(1);
        await store().completeAttempt({
          id: second!.id,
          owner: 'n1',
          at: t0 + 2 * SECOND,
          durationMs: 9,
          outcome: 'failed',
          statusCode: 400,
          error: 'bad payload',
        });
        const [row] = await log(channel.id);
        expect(row).toMatchObject({
          status: 'failed',
          attemptCount: 2,
          lastError: 'bad payload',
          lastStatusCode: 400,
        });
        expect(row?.attempts.map((x) => [x.outcome, x.statusCode])).toEqual([
          ['retry', 503],
          ['failed', 400],
        ]);
        expect(await claim(channel.id, t0 + 3_600 * SECOND)).toEqual([]);
      });
      it('defers without recording an attempt', async () => {
        const { channel, t0 } = await firingMessage();
        const [claimed] = await claim(channel.id, t0);
        expect(await store().deferNotification({ id: claimed!.id, owner: 'n1', until: t0 + SECOND })).toBe(
          true,
        );
        expect(await claim(channel.id, t0 + 500)).toEqual([]);
        expect((await claim(channel.id, t0 + SECOND))[0]?.attempts).toBe(0);
      });
      it('paces a channel across notifiers: one slot per interval, the wait otherwise, channels apart', async () => {
        const [a, b] = [await discord(), await discord()];
        const t0 = Date.parse('2026-12-03T10:00:00.000Z');
        const reserve = (channelId: string, now: number) =>
          store().reserveSendSlot({ channelId, now, intervalMs: SECOND });
        expect(await reserve(a.id, t0)).toBe(0);
        expect(await reserve(a.id, t0 + 300)).toBe(700); // booked nothing: asking again later still works
        expect(await reserve(a.id, t0 + 600)).toBe(400);
        expect(await reserve(b.id, t0 + 300)).toBe(0);
        expect(await reserve(a.id, t0 + SECOND)).toBe(0);
        // Several notifiers asking at once: exactly one gets the slot, the others the same wait.
        const answers = await Promise.all(Array.from({ length: 5 }, () => reserve(a.id, t0 + 3 * SECOND)));
        expect(answers.filter((w) => w === 0)).toHaveLength(1);
        expect(answers.filter((w) => w === SECOND)).toHaveLength(4);
        expect(await reserve('no-such-channel', t0)).toBe(0);
      });
      it('keeps the messages of one thread in order and hands the receiver id on', async () => {
        const { channel, t0, a } = await firingMessage(discord);
        await store().ingestAlerts([next(a, { status: 'resolved' })], t0 + SECOND);
        await store().flushDueGroups({ now: t0 + SECOND, limit: 500 });
        const claimed = await claim(channel.id, t0 + SECOND);
        expect(claimed.map((c) => c.kind)).toEqual(['firing']); // the resolve waits for the post
        await store().completeAttempt({
          id: claimed[0]!.id,
          owner: 'n1',
          at: t0 + SECOND,
          durationMs: 1,
          outcome: 'sent',
          statusCode: 200,
          error: null,
          externalId: 'msg-1',
        });
        const [edit] = await claim(channel.id, t0 + SECOND);
        expect(edit).toMatchObject({ kind: 'resolved', threadExternalId: 'msg-1' });
      });
      it('records the delivery in the trail of stored alerts', async () => {
        const channel = await webhook();
        await policy({ channels: [channel.id], groupWaitMs: 0 });
        const t0 = later();
        const a = alert();
        await opened().alerts.insertAlerts([a]);
        await store().ingestAlerts([a], t0);
        await store().flushDueGroups({ now: t0, limit: 500 });
        const [claimed] = await claim(channel.id, t0);
        await store().completeAttempt({
          id: claimed!.id,
          owner: 'n1',
          at: t0,
          durationMs: 1,
          outcome: 'sent',
          statusCode: 200,
          error: null,
          activityNote: `webhook ${channel.name}: firing`,
        });
        const trail = await opened().alerts.activity(a.id, {});
        expect(trail?.items).toContainEqual(
          expect.objectContaining({
            action: 'notified',
            actor: 'system',
            note: `webhook ${channel.name}: firing`,
          }),
        );
      });
      it('makes a test message leased to the caller', async () => {
        const channel = await webhook();
        const test = await store().createTestNotification({
          channelId: channel.id,
          owner: 'api',
          now: later(),
          leaseMs: 10_000,
        });
        expect(test).toMatchObject({ kind: 'test', channel: { id: channel.id } });
        expect(
          await store().createTestNotification({
            channelId: 'ch_nope',
            owner: 'api',
            now: clock,
            leaseMs: 1,
          }),
        ).toBeNull();
      });
    });

    describe('delivery log and health', () => {
      it('filters by alert, channel and status, newest first, paged', async () => {
        const channel = await webhook();
        await policy({ channels: [channel.id], groupWaitMs: 0 });
        const t0 = later();
        const alerts = [alert(), alert(), alert()];
        await store().ingestAlerts(alerts, t0);
        await store().flushDueGroups({ now: t0, limit: 500 });
        await sendAll(channel.id, t0);
        const byAlert = await store().listNotifications({ alertId: alerts[1]!.id });
        expect(byAlert.items.map((n) => n.alertIds)).toEqual([[alerts[1]!.id]]);
        expect(
          (await store().listNotifications({ channelId: channel.id, status: 'sent' })).items,
        ).toHaveLength(3);
        expect(
          (await store().listNotifications({ channelId: channel.id, status: 'pending' })).items,
        ).toHaveLength(0);
        const page = await store().listNotifications({ channelId: channel.id, limit: 2 });
        const rest = await store().listNotifications({
          channelId: channel.id,
          limit: 2,
          cursor: page.nextCursor!,
        });
        expect([...page.items, ...rest.items].map((n) => n.alertIds[0]).sort()).toEqual(
          alerts.map((a) => a.id).sort(),
        );
        expect(rest.nextCursor).toBeNull();
        for (const query of [{ status: 'done' }, { cursor: 'x' }, { alertId: '' }])
          await expect(store().listNotifications(query)).rejects.toBeInstanceOf(ValidationError);
      });
      it('reports a channel failing after repeated failures, and well again after a success', async () => {
        const { channel, t0 } = await firingMessage();
        const fail = async (at: number) => {
          const [c] = await claim(channel.id, at);
          await store().completeAttempt({
            id: c!.id,
            owner: 'n1',
            at,
            durationMs: 1,
            outcome: 'retry',
            statusCode: 500,
            error: 'boom',
            nextAttemptAt: at,
          });
        };
        for (const i of [0, 1, 2]) await fail(t0 + i);
        const health = (await store().channelHealth()).find((h) => h.channelId === channel.id);
        expect(health).toMatchObject({
          failing: true,
          failuresSinceSuccess: 3,
          lastError: 'boom',
          queued: 1,
        });
        expect(
          (await store().queueStats()).find((q) => q.channelType === 'webhook')?.queued,
        ).toBeGreaterThanOrEqual(1);
        await sendAll(channel.id, t0 + 10);
        expect((await store().channelHealth()).find((h) => h.channelId === channel.id)).toMatchObject({
          failing: false,
          failuresSinceSuccess: 0,
          queued: 0,
        });
      });
      it('prunes finished notifications older than asked', async () => {
        const { channel, t0 } = await firingMessage();
        await sendAll(channel.id, t0);
        expect(await store().prune(t0 + 1)).toBeGreaterThanOrEqual(1);
        expect(await log(channel.id)).toEqual([]);
      });
      it('stores every type, status and outcome core knows', () => {
        expect(CHANNEL_TYPES).toEqual(['webhook', 'slack', 'discord', 'email', 'pagerduty']);
        expect(NOTIFICATION_STATUSES).toEqual(['pending', 'sending', 'sent', 'failed']);
        expect(ATTEMPT_OUTCOMES).toEqual(['sent', 'retry', 'failed', 'deferred']);
      });
    });
  });
}
