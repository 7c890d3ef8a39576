import { createMemoryBus } from '@vigil/adapters';
import { type Alert, WS_CLOSE_CODES, WS_ERROR_CODES } from '@vigil/core';
import { waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlertFeed } from '../feed/alert-feed.ts';
import { makeAlert } from '../feed/testing/alerts.ts';
import { gappyBus } from '../feed/testing/gappy-bus.ts';
import { createLiveMetrics } from '../live/live-metrics.ts';
import { createFanout, type Fanout } from './fanout.ts';
import { type FakeConnection, fakeConnection, fakePubSub } from './testing/fake-connection.ts';
import { fakeAuthenticate } from './testing/principals.ts';

const logger = pino({ level: 'silent' });
const TOPIC = 'alerts';

const frames = (conn: FakeConnection, op: string) => conn.parsed().filter((f) => f.op === op);
const alertIds = (conn: FakeConnection) => frames(conn, 'alert').map((f) => (f.alert as Alert).id);
const lastCursor = (conn: FakeConnection) => frames(conn, 'alert').at(-1)?.cursor as string;

/** The live side as gateway-service.ts wires it (feed → fan-out), with fake sockets instead of uWS. */
describe('live subscribers after the alert feed lost a gap', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of cleanup.splice(0).reverse()) await stop();
  });

  async function setup() {
    const memory = createMemoryBus({ logger });
    await memory.start([{ topic: TOPIC, partitions: 1 }]);
    cleanup.push(() => memory.stop());
    const bus = gappyBus(memory);
    const registry = new Registry();
    const metrics = createLiveMetrics(registry);
    const pubsub = fakePubSub();
    let fanout: Fanout | undefined;
    const feed = createAlertFeed({
      bus,
      epoch: 'test',
      topic: TOPIC,
      sink: { deliver: (entries) => fanout?.deliver(entries), lost: (range) => fanout?.lost(range) },
      metrics,
      logger,
    });
    fanout = createFanout({
      history: feed,
      publish: pubsub.publish,
      metrics,
      logger,
      authenticate: fakeAuthenticate().authenticate,
    });
    await feed.start();
    cleanup.push(async () => {
      fanout.stop();
      await feed.stop();
    });
    const connect = (): FakeConnection => {
      const conn = fakeConnection(() => fanout);
      pubsub.connections.add(conn);
      fanout.open(conn);
      return conn;
    };
    const subscribe = (conn: FakeConnection, frame: Record<string, unknown> = {}) =>
      fanout.message(conn, JSON.stringify({ op: 'subscribe', ...frame }));
    const publish = (alerts: Alert[]) =>
      bus.publish(
        TOPIC,
        alerts.map((a) => ({ key: null, value: JSON.stringify(a) })),
      );
    const metric = async (name: string, labels: Record<string, string> = {}) =>
      (await registry.getSingleMetric(name)!.get()).values.find((v) =>
        Object.entries(labels).every(([k, want]) => v.labels[k] === want),
      )?.value;
    /** Alerts 0–4 published while the live consumer skips offset 2 and the bus refuses to read it back. */
    const loseOffset2 = async (...live: FakeConnection[]) => {
      bus.skipLive.add('2');
      bus.rangeBroken = true;
      await publish([0, 1, 2, 3, 4].map((n) => makeAlert(n)));
      await waitFor(() => live.every((c) => c.closed), { message: 'the close' });
    };
    return { bus, feed, fanout, connect, subscribe, publish, metric, loseOffset2 };
  }

  it('are closed with 4010 (resumeRequired) after the alerts before the hole, and counted', async () => {
    const { fanout, connect, subscribe, metric, loseOffset2 } = await setup();
    const all = connect();
    const critical = connect(); // matches nothing published: it may still have missed a critical alert
    const idle = connect(); // no subscription: nothing to miss
    subscribe(all);
    subscribe(critical, { filter: { severity: ['critical'] } });
    await loseOffset2(all, critical);
    expect(alertIds(all)).toEqual(['alert-0', 'alert-1']);
    expect(all.closedWith).toEqual({ code: WS_CLOSE_CODES.resumeRequired, reason: expect.any(String) });
    expect(critical.closedWith?.code).toBe(4010);
    expect(idle.closed).toBe(false);
    expect(await metric('vigil_alert_feed_gaps_total', { outcome: 'lost' })).toBe(1);
    expect(await metric('vigil_ws_resume_required_total')).toBe(2);
    expect(fanout.stats()).toMatchObject({ connections: 1, subscriptions: 0 });
  });

  it('a resume from the last cursor then reads the missed alert from the bus, and goes on live', async () => {
    const { bus, connect, subscribe, publish, loseOffset2 } = await setup();
    const before = connect();
    subscribe(before);
    await loseOffset2(before);

    bus.rangeBroken = false; // the bus answers again
    const after = connect();
    subscribe(after, { since: lastCursor(before) });
    await waitFor(() => alertIds(after).length === 3, { message: 'the resume' });
    await publish([makeAlert(5)]);
    await waitFor(() => alertIds(after).length === 4, { message: 'live after the resume' });
    expect(alertIds(after)).toEqual(['alert-2', 'alert-3', 'alert-4', 'alert-5']);
  });

  it('a resume answers cursor_expired when the missed alerts are gone from the bus too', async () => {
    const { bus, connect, subscribe, loseOffset2 } = await setup();
    const before = connect();
    subscribe(before);
    await loseOffset2(before);

    bus.low = 3; // retention deleted the missed alert meanwhile
    const after = connect();
    subscribe(after, { since: lastCursor(before) });
    await waitFor(() => frames(after, 'error').length === 1, { message: 'the answer' });
    expect(frames(after, 'error')[0]).toMatchObject({ code: WS_ERROR_CODES.cursorExpired });
    expect(alertIds(after)).toEqual([]);
  });
});
