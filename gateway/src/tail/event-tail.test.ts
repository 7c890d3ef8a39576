import { createMemoryBus } from '@vigil/adapters';
import { EVENT_STREAM_ERRORS, EVENT_STREAM_FRAMES, type Principal, topicNames } from '@vigil/core';
import { uniqueName, waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { testPrincipal } from '../fanout/testing/principals.ts';
import { createEventTail, type EventTail } from './event-tail.ts';
import type { TailFilter } from './tail-filter.ts';
import type { TailLimits } from './tail-limits.ts';
import { createTailMetrics } from './tail-metrics.ts';
import { fakeStream } from './testing/fake-stream.ts';
import { memoryTail } from './testing/test-tail.ts';

const logger = pino({ level: 'silent' });
const { ready, skipped, end } = EVENT_STREAM_FRAMES;

const log = (n: number, fields: Record<string, unknown> = {}) => ({
  ts: new Date(Date.UTC(2030, 0, 1, 12, 0, n)).toISOString(),
  service: 'payments',
  level: 'ERROR',
  message: `payment ${n} failed`,
  ...fields,
});

/** A tail over an in-process bus with the event topics made, a clock the test steps, and no timers. */
async function setup(limits: Partial<TailLimits> = {}) {
  const clock = { now: 1_000_000 };
  const env = await memoryTail({ limits, now: () => clock.now });
  const { tail } = env;
  const open = async (filter: TailFilter = {}, principal: Principal = testPrincipal()) => {
    const admission = tail.open(principal, filter);
    if (!admission.ok) throw new Error(admission.message);
    const client = fakeStream();
    admission.attach(client.stream);
    await waitFor(() => client.named(ready).length === 1, { message: 'ready' });
    return client;
  };
  cleanups.push(() => env.stop());
  return { ...env, clock, open };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** Waits until the tail's consumer is idle again: nothing reads the bus. */
const idle = async (tail: EventTail) => {
  await tail.settled();
  expect(tail.status().consumer).toBe('idle');
};

describe('the live event tail', () => {
  describe('delivery', () => {
    it('sends the matching events published after ready, with their bus position and explorer id', async () => {
      const { open, publish, topics } = await setup();
      const errors = await open({ level: ['ERROR'] });
      await publish('logs', [log(1), log(2, { level: 'INFO' }), log(3)]);
      await waitFor(() => errors.events().length === 2, { message: 'two ERROR logs' });
      const [first] = errors.events();
      expect(first).toMatchObject({
        source: 'logs',
        ts: log(1).ts,
        position: { topic: topics.logs, partition: expect.any(Number), offset: expect.any(String) },
        event: log(1),
      });
      expect(first!.id).toMatch(/^logs:\d+:\d+@\d+$/);
      expect(first!.id.startsWith(`logs:${first!.position.partition}:${first!.position.offset}@`)).toBe(true);
      expect(errors.events().map((e) => e.event.message)).toEqual(['payment 1 failed', 'payment 3 failed']);
      expect(errors.frames()[0]?.comment).toBe('vigil live tail');
    });

    it('sends each stream its own filter, streams with one filter alike', async () => {
      const { open, publish } = await setup();
      const payments = [await open({ service: ['payments'] }), await open({ service: ['payments'] })];
      const security = await open({ source: ['security'], action: ['login_failure'] });
      await publish('logs', [log(1), log(2, { service: 'search' })]);
      await publish('security', [
        { ts: log(1).ts, ip: '10.0.0.1', action: 'login_failure', userId: 'u1' },
        { ts: log(1).ts, ip: '10.0.0.1', action: 'login_success', userId: 'u1' },
      ]);
      await waitFor(() => security.events().length === 1, { message: 'the failure' });
      await waitFor(() => payments.every((p) => p.events().length === 1), { message: 'payments' });
      expect(payments[0]!.events()).toEqual(payments[1]!.events());
      expect(security.events()[0]?.event.action).toBe('login_failure');
    });

    it('skips records that are not valid events of their source, and counts them', async () => {
      const { open, publish, metric } = await setup();
      const all = await open();
      await publish('logs', ['{not json', JSON.stringify({ ts: 'yesterday' }), log(1)]);
      // Round-robin over two partitions: the three may be read in any order.
      await waitFor(async () => (await metric('vigil_tail_invalid_records_total')) === 2, {
        message: 'two invalid',
      });
      await waitFor(() => all.events().length === 1, { message: 'the valid one' });
    });

    it('shows what arrives from now on: nothing published before it opened', async () => {
      const { open, publish } = await setup();
      await publish('logs', [log(1)]);
      const late = await open();
      await publish('logs', [log(2)]);
      await waitFor(() => late.events().length === 1, { message: 'the new one' });
      expect(late.events()[0]?.event.message).toBe('payment 2 failed');
    });
  });

  describe('the bus consumer', () => {
    it('starts with the first stream and stops when the last one leaves', async () => {
      const { tail, open, metric } = await setup();
      expect(tail.status()).toEqual({ streams: 0, consumer: 'idle' });
      const a = await open();
      const b = await open();
      expect(tail.status()).toEqual({ streams: 2, consumer: 'live' });
      expect(await metric('vigil_tail_consumer_running')).toBe(1);
      a.abort();
      await tail.settled();
      expect(tail.status()).toEqual({ streams: 1, consumer: 'live' });
      b.abort();
      await idle(tail);
      expect(tail.status().streams).toBe(0);
      expect(await metric('vigil_tail_consumer_running')).toBe(0);
      expect(await metric('vigil_tail_streams')).toBe(0);
    });

    it('starts again at the live end: nothing of what arrived while nobody watched', async () => {
      const { tail, open, publish } = await setup();
      (await open()).abort();
      await idle(tail);
      await publish('logs', [log(1)]);
      const again = await open();
      await publish('logs', [log(2)]);
      await waitFor(() => again.events().length === 1, { message: 'the new one' });
      expect(again.events()[0]?.event.message).toBe('payment 2 failed');
    });

    it('follows streams that come and go while it starts or stops', async () => {
      const { tail, open, publish } = await setup();
      const first = await open();
      first.abort(); // stopping now
      const second = await open(); // wants it back before the stop is done
      await tail.settled();
      expect(tail.status().consumer).toBe('live');
      await publish('logs', [log(1)]);
      await waitFor(() => second.events().length === 1, { message: 'delivered after the restart' });
    });
  });

  describe('bounds', () => {
    it('sends at most maxEventsPerSecond and reports the rest in a skipped frame', async () => {
      const { tail, open, publish, clock, metric } = await setup({ maxEventsPerSecond: 5 });
      const all = await open();
      await publish(
        'logs',
        Array.from({ length: 20 }, (_, i) => log(i)),
      );
      await waitFor(async () => (await metric('vigil_tail_events_skipped_total')) === 15, {
        message: '15 skipped',
      });
      expect(all.events()).toHaveLength(5);
      tail.tick();
      expect(all.named(skipped).map((f) => f.data)).toEqual([{ skipped: 15 }]);
      tail.tick(); // nothing new skipped: no frame
      expect(all.named(skipped)).toHaveLength(1);
      clock.now += 1_000; // a second later the bucket is full again
      await publish('logs', [log(21)]);
      await waitFor(() => all.events().length === 6, { message: 'the next second' });
    });

    it('sends a heartbeat comment to a stream silent for heartbeatMs', async () => {
      const { tail, open, clock } = await setup({ heartbeatMs: 15_000 });
      const quiet = await open({ service: ['nobody'] });
      const beats = () => quiet.frames().filter((f) => f.comment === 'keep-alive').length;
      clock.now += 14_999;
      tail.tick();
      expect(beats()).toBe(0);
      clock.now += 1;
      tail.tick();
      expect(beats()).toBe(1);
      tail.tick();
      expect(beats()).toBe(1);
    });

    it('cuts off a stream whose client has not taken maxBufferedBytes', async () => {
      const { open, publish, metric } = await setup({ maxBufferedBytes: 10_000 });
      const slow = await open();
      const fast = await open();
      slow.state.buffered = 10_001;
      await publish('logs', [log(1)]);
      await waitFor(() => slow.ended === 'destroy', { message: 'slow one cut' });
      expect(await metric('vigil_tail_slow_clients_dropped_total')).toBe(1);
      await waitFor(() => fast.events().length === 1, { message: 'the fast one goes on' });
      expect(fast.ended).toBeNull();
    });

    it('caps open streams per gateway and per user or token, and frees a slot when one closes', async () => {
      const { tail, open, metric } = await setup({ maxStreams: 3, maxStreamsPerPrincipal: 2 });
      const alice = testPrincipal();
      const a1 = await open({}, alice);
      await open({}, { ...alice, credentialId: 'another-session' }); // one user, two sign-ins
      expect(tail.open(alice, {})).toMatchObject({ ok: false, cap: 'principal', limit: 2 });
      await open({}, testPrincipal());
      expect(tail.open(testPrincipal(), {})).toMatchObject({ ok: false, cap: 'gateway', limit: 3 });
      a1.abort();
      expect(tail.open(alice, {}).ok).toBe(true);
      expect(await metric('vigil_tail_refused_total')).toBe(1);
    });

    it('frees a reservation whose client left before the stream opened', async () => {
      const { tail } = await setup({ maxStreams: 1 });
      const admission = tail.open(testPrincipal(), {});
      if (!admission.ok) throw new Error('refused');
      const gone = fakeStream();
      gone.abort();
      admission.attach(gone.stream);
      expect(tail.status()).toEqual({ streams: 0, consumer: 'idle' });
      expect(tail.open(testPrincipal(), {}).ok).toBe(true);
    });
  });

  describe('endings', () => {
    it('ends the streams of revoked credentials with an unauthorized end frame', async () => {
      const { tail, open } = await setup();
      const alice = testPrincipal();
      const mine = await open({}, alice);
      const other = await open();
      expect(tail.credentials().sort()).toContain(alice.credentialId);
      expect(tail.closeCredentials([alice.credentialId], 'credentials revoked or expired')).toBe(1);
      expect(mine.named(end).map((f) => f.data)).toEqual([
        { code: EVENT_STREAM_ERRORS.unauthorized, message: 'credentials revoked or expired' },
      ]);
      expect(mine.ended).toBe('end');
      expect(other.ended).toBeNull();
      expect(tail.credentials()).not.toContain(alice.credentialId);
    });

    it('says going_away to every stream, refuses new ones and stops the consumer on stop', async () => {
      const { tail, open } = await setup();
      const a = await open();
      await tail.stop();
      expect(a.named(end)[0]?.data).toMatchObject({ code: EVENT_STREAM_ERRORS.goingAway });
      expect(a.ended).toBe('end');
      expect(tail.status()).toEqual({ streams: 0, consumer: 'idle' });
      expect(tail.open(testPrincipal(), {})).toMatchObject({ ok: false, cap: 'stopping' });
    });

    it('tells its streams when the consumer cannot start, and tries again for the next one', async () => {
      const bus = createMemoryBus({ logger });
      const topics = topicNames(uniqueName('tail')).events; // not created: the consumer cannot start
      const tail = createEventTail({
        bus,
        topics,
        metrics: createTailMetrics(new Registry()),
        logger,
        timers: false,
      });
      cleanups.push(async () => {
        await tail.stop();
        await bus.stop();
      });
      const admission = tail.open(testPrincipal(), {});
      if (!admission.ok) throw new Error('refused');
      const first = fakeStream();
      admission.attach(first.stream);
      await waitFor(() => first.ended === 'end', { message: 'ended' });
      expect(first.named(end)[0]?.data).toMatchObject({ code: EVENT_STREAM_ERRORS.unavailable });
      await idle(tail);
      await bus.start(Object.values(topics).map((topic) => ({ topic, partitions: 1 })));
      const next = tail.open(testPrincipal(), {});
      if (!next.ok) throw new Error('refused');
      const second = fakeStream();
      next.attach(second.stream);
      await waitFor(() => second.named(ready).length === 1, { message: 'ready this time' });
    });
  });
});
