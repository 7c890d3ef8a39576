import { createMemoryBus } from '@vigil/adapters';
import { type Alert, type Bus, UnavailableError } from '@vigil/core';
import { waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createLiveMetrics } from '../live/live-metrics.ts';
import { CursorExpiredError, type LostRange, type RingEntry } from '../live/live-types.ts';
import { type AlertFeed, createAlertFeed } from './alert-feed.ts';
import type { FeedLimits } from './feed-limits.ts';
import { makeAlert } from './testing/alerts.ts';
import { gappyBus } from './testing/gappy-bus.ts';

const logger = pino({ level: 'silent' });
const TOPIC = 'alerts';

const ids = (entries: readonly RingEntry[]) => entries.map((e) => e.id);
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => `alert-${from + i}`);

describe('alert feed (in-process bus)', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of cleanup.splice(0).reverse()) await stop();
  });

  async function makeBus(retention?: number, partitions = 1): Promise<Bus> {
    const bus = createMemoryBus({ logger, retention });
    await bus.start([{ topic: TOPIC, partitions }]);
    cleanup.push(() => bus.stop());
    return bus;
  }
  const publish = (bus: Bus, values: (Alert | string)[]) =>
    bus.publish(
      TOPIC,
      values.map((v) => ({ key: null, value: typeof v === 'string' ? v : JSON.stringify(v) })),
    );

  async function startFeed(bus: Bus, limits: Partial<FeedLimits> = {}) {
    const delivered: RingEntry[] = [];
    /** Every sink call in order: an alert id, or `lost from-to`. */
    const calls: string[] = [];
    const lost: LostRange[] = [];
    const registry = new Registry();
    const feed: AlertFeed = createAlertFeed({
      bus,
      epoch: 'test',
      topic: TOPIC,
      sink: {
        deliver: (entries) => {
          delivered.push(...entries);
          calls.push(...ids(entries));
        },
        lost: (range) => {
          lost.push(range);
          calls.push(`lost ${range.from}-${range.to}`);
        },
      },
      metrics: createLiveMetrics(registry),
      logger,
      limits,
    });
    await feed.start();
    cleanup.push(() => feed.stop());
    const metric = async (name: string, labels: Record<string, string> = {}) =>
      (await registry.getSingleMetric(name)!.get()).values.find((v) =>
        Object.entries(labels).every(([k, want]) => v.labels[k] === want),
      )?.value;
    return { feed, delivered, calls, lost, metric };
  }

  it('preloads the newest alerts, then hands each new one to the sink in order', async () => {
    const bus = await makeBus();
    await publish(bus, [makeAlert(0), makeAlert(1), makeAlert(2)]);
    const { feed, delivered } = await startFeed(bus, { preloadAlerts: 2 });
    expect(feed.window()).toEqual({ from: 1, head: 3 });
    expect([...feed.entriesFrom(0)].map((e) => e.id)).toEqual(['alert-1', 'alert-2']);
    expect(delivered).toEqual([]); // preloaded history is not news

    await publish(bus, [makeAlert(3), makeAlert(4)]);
    await waitFor(() => delivered.length === 2, { message: 'live alerts' });
    expect(ids(delivered)).toEqual(['alert-3', 'alert-4']);
    expect(JSON.parse(delivered[1]!.frame).cursor).toBe(
      feed.decodeCursor(feed.headCursor()).ok && feed.headCursor(),
    );
    expect(feed.status()).toMatchObject({ state: 'live', ringAlerts: 4 });
  });

  it('counts and skips records that are not alerts, and still moves the head past them', async () => {
    const bus = await makeBus();
    const { feed, delivered, metric } = await startFeed(bus);
    await publish(bus, ['not json', JSON.stringify({ id: 'x' }), makeAlert(1)]);
    await waitFor(() => delivered.length === 1, { message: 'the good alert' });
    expect(await metric('vigil_alert_feed_bad_records_total')).toBe(2);
    expect(feed.window().head).toBe(3);
  });

  it('skips an alert republished within the dedupe window', async () => {
    const bus = await makeBus();
    const { delivered, metric } = await startFeed(bus);
    await publish(bus, [makeAlert(1), makeAlert(2), makeAlert(1), makeAlert(3)]);
    await waitFor(() => delivered.length === 3, { message: 'alerts' });
    expect(ids(delivered)).toEqual(['alert-1', 'alert-2', 'alert-3']);
    expect(await metric('vigil_alert_feed_duplicates_total')).toBe(1);
  });

  it('delivers every revision of an episode once, as an update after the first', async () => {
    const bus = await makeBus();
    const { delivered, metric } = await startFeed(bus);
    const opened = makeAlert(1, { revision: 1 });
    const changed = { ...opened, revision: 2, occurrences: 2 };
    await publish(bus, [opened, changed, changed, { ...changed, revision: 3 }]);
    await waitFor(() => delivered.length === 3, { message: 'revisions' });
    expect(delivered.map((e) => [e.id, e.revision, e.op])).toEqual([
      ['alert-1', 1, 'alert'],
      ['alert-1', 2, 'update'],
      ['alert-1', 3, 'update'],
    ]);
    expect(await metric('vigil_alert_feed_duplicates_total')).toBe(1);
  });

  it('computes the same cursors on every instance', async () => {
    const bus = await makeBus();
    await publish(bus, [makeAlert(0)]);
    const one = await startFeed(bus);
    const two = await startFeed(bus, { preloadAlerts: 0 });
    await publish(bus, [makeAlert(1), makeAlert(2)]);
    await waitFor(() => one.delivered.length === 2 && two.delivered.length === 2, { message: 'both feeds' });
    expect(two.delivered.map((e) => e.frame)).toEqual(one.delivered.map((e) => e.frame));
  });

  it('retries a start that fails on a retriable bus error', async () => {
    const bus = await makeBus();
    await publish(bus, [makeAlert(0)]);
    let failures = 1;
    const flaky: Bus = {
      ...bus,
      consumer: (options) => {
        const consumer = bus.consumer(options);
        if (failures-- <= 0) return consumer;
        return { ...consumer, run: async () => Promise.reject(new UnavailableError('coordinator loading')) };
      },
    };
    const { feed, delivered } = await startFeed(flaky);
    expect(feed.status().state).toBe('live');
    expect([...feed.entriesFrom(0)].map((e) => e.id)).toEqual(['alert-0']);
    await publish(bus, [makeAlert(1)]);
    await waitFor(() => delivered.length === 1, { message: 'live after the retry' });
  });

  describe('gaps of the live consumer', () => {
    it('reads from the bus what the live consumer skipped, so the ring stays gap-free', async () => {
      const bus = gappyBus(await makeBus());
      bus.skipLive.add('2');
      const { feed, delivered, lost, metric } = await startFeed(bus);
      await publish(
        bus,
        range(0, 5).map((_, i) => makeAlert(i)),
      );
      await waitFor(() => delivered.length === 5, { message: 'all five' });
      expect(ids(delivered)).toEqual(range(0, 5));
      expect(bus.skipLive.size).toBe(0);
      expect(feed.window()).toEqual({ from: 0, head: 5 });
      expect(lost).toEqual([]);
      expect(await metric('vigil_alert_feed_gaps_total', { outcome: 'repaired' })).toBe(1);
    });

    it('when the gap cannot be read, counts and reports it before delivering anything after it', async () => {
      const bus = gappyBus(await makeBus());
      bus.skipLive.add('2');
      bus.rangeBroken = true;
      const { feed, calls, metric } = await startFeed(bus);
      await publish(
        bus,
        range(0, 5).map((_, i) => makeAlert(i)),
      );
      await waitFor(() => calls.length === 5, { message: 'four alerts and the loss' });
      expect(calls).toEqual(['alert-0', 'alert-1', 'lost 2-3', 'alert-3', 'alert-4']);
      expect(await metric('vigil_alert_feed_gaps_total', { outcome: 'lost' })).toBe(1);
      // The ring no longer claims what came before the hole: resumes from there go to the bus.
      expect(feed.window()).toEqual({ from: 3, head: 5 });

      // The alert is still on the bus: a resume from a cursor before it gets it from there.
      bus.rangeBroken = false;
      const got: RingEntry[] = [];
      await feed.replayRange(2, 3, async (e) => void got.push(...e), new AbortController().signal);
      expect(ids(got)).toEqual(['alert-2']);
    });

    it('reports the part of a gap retention already deleted as lost, and reads the rest', async () => {
      const bus = gappyBus(await makeBus());
      const { feed, calls, metric } = await startFeed(bus);
      await publish(bus, [makeAlert(0)]);
      await waitFor(() => calls.length === 1, { message: 'the first alert' });
      // The consumer fell behind retention and reset to the end: offsets 1–4 never came live; 1–2 are gone.
      for (const offset of ['1', '2', '3', '4']) bus.skipLive.add(offset);
      bus.low = 3;
      await publish(
        bus,
        range(1, 5).map((_, i) => makeAlert(1 + i)),
      );
      await waitFor(() => calls.length === 5, { message: 'the loss and the readable alerts' });
      expect(calls).toEqual(['alert-0', 'lost 1-3', 'alert-3', 'alert-4', 'alert-5']);
      expect(await metric('vigil_alert_feed_gaps_total', { outcome: 'lost' })).toBe(1);
      await expect(
        feed.replayRange(1, 3, async () => undefined, new AbortController().signal),
      ).rejects.toBeInstanceOf(CursorExpiredError);
    });
  });

  it('refuses an alerts topic with more than one partition', async () => {
    const bus = await makeBus(undefined, 3);
    const feed = createAlertFeed({
      bus,
      epoch: 'test',
      topic: TOPIC,
      sink: { deliver: () => undefined, lost: () => undefined },
      metrics: createLiveMetrics(new Registry()),
      logger,
    });
    await expect(feed.start()).rejects.toThrow(/exactly 1 partition/);
  });

  describe('replayRange', () => {
    it('reads a range from the bus in order, deduplicated as the live feed does', async () => {
      const bus = await makeBus();
      // alert-1 at offset 1 is republished at offset 4: a replay from 3 must still skip it.
      await publish(bus, [
        makeAlert(0),
        makeAlert(1),
        makeAlert(2),
        makeAlert(3),
        makeAlert(1),
        makeAlert(5),
      ]);
      const { feed } = await startFeed(bus, { preloadAlerts: 0 });
      const got: RingEntry[] = [];
      await feed.replayRange(
        3,
        6,
        async (entries) => void got.push(...entries),
        new AbortController().signal,
      );
      expect(ids(got)).toEqual(['alert-3', 'alert-5']);
      expect(got.map((e) => e.offset)).toEqual([3, 5]);
    });

    it('rejects with CursorExpiredError below what the bus retains', async () => {
      const bus = await makeBus(3);
      await publish(
        bus,
        range(0, 6).map((_, i) => makeAlert(i)),
      );
      const { feed } = await startFeed(bus, { preloadAlerts: 0 });
      await expect(
        feed.replayRange(1, 6, async () => undefined, new AbortController().signal),
      ).rejects.toBeInstanceOf(CursorExpiredError);
    });
  });
});
