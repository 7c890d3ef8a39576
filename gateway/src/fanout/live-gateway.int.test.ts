import { describeWith, services, waitFor } from '@vigil/harness';
import { describe, expect, it } from 'vitest';
import {
  alertRange,
  type BusEnv,
  kafkaEnv,
  memoryEnv,
  metricValue,
  mixedAlert,
  publishAlerts,
} from './testing/live-env.ts';
import { useLiveSuite } from './testing/live-suite.ts';
import { bearer } from './testing/test-identities.ts';

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `alert-${from + i}`);

/** The live side end to end, real sockets and a real bus; run once per bus flavour. */
function liveSuite(makeEnv: () => BusEnv) {
  const suite = useLiveSuite(makeEnv, 'gateway-live');
  const start = suite.start;
  /** Every socket of this suite authenticates on the upgrade as a viewer tool would. */
  const connect = (url: string) => suite.connect(url, { headers: bearer(suite.viewer) });
  const subscribe = async (url: string, frame: Record<string, unknown> = {}) => {
    const client = await connect(url);
    client.send({ op: 'subscribe', ...frame });
    await client.until((f) => f.some((x) => x.op === 'subscribed' || x.op === 'error'), 'subscribed');
    return client;
  };
  const publish = (from: number, count: number, pad = 0) =>
    publishAlerts(suite.env.publisher, suite.topic, alertRange(from, count, pad));

  it('delivers exactly the matching alerts to each filter', async () => {
    const { url } = await start();
    const critical = await subscribe(url, { filter: { severity: ['critical'] } });
    const paymentsLogs = await subscribe(url, {
      filter: { service: ['payments'], source: ['logs', 'security'] },
    });
    const everything = await subscribe(url);
    const alerts = alertRange(0, 60);
    await publishAlerts(suite.env.publisher, suite.topic, alerts);
    await everything.until((f) => f.filter((x) => x.op === 'alert').length === 60, 'all 60');
    const want = (keep: (a: (typeof alerts)[number]) => boolean) => alerts.filter(keep).map((a) => a.id);
    await critical.until((f) => f.filter((x) => x.op === 'alert').length === 12, 'critical ones');
    await paymentsLogs.until((f) => f.filter((x) => x.op === 'alert').length === 10, 'payments logs');
    expect(everything.alertIds()).toEqual(ids(0, 60));
    expect(critical.alertIds()).toEqual(want((a) => a.severity === 'critical'));
    expect(paymentsLogs.alertIds()).toEqual(
      want((a) => a.service === 'payments' && (a.source === 'logs' || a.source === 'security')),
    );
  });

  it('resumes after a disconnect with exactly the missed alerts, from the ring', async () => {
    const { url, registry } = await start();
    const first = await subscribe(url);
    await publish(0, 5);
    await first.until((f) => f.filter((x) => x.op === 'alert').length === 5, 'first 5');
    const cursor = first.lastCursor();
    first.close();
    await publish(5, 20);
    const again = await subscribe(url, { since: cursor });
    await again.until((f) => f.filter((x) => x.op === 'alert').length === 20, 'the 20 missed');
    await publish(25, 5);
    await again.until((f) => f.filter((x) => x.op === 'alert').length === 25, 'then live');
    expect(again.alertIds()).toEqual(ids(5, 25));
    expect(await metricValue(registry, 'vigil_ws_replays_total', { source: 'ring' })).toBe(1);
  });

  it('resumes from the bus when the ring no longer holds the missed alerts', async () => {
    const { url, registry, gateway } = await start({ limits: { feed: { ringMaxAlerts: 5 } } });
    const first = await subscribe(url, { filter: { severity: ['high', 'critical', 'info'] } });
    await publish(0, 10);
    await first.until((f) => f.filter((x) => x.op === 'alert').length === 6, 'first 6 matching');
    const cursor = first.lastCursor();
    first.close();
    await publish(10, 40);
    // Only once this gateway has seen them all has the ring (5) moved past the cursor.
    await waitFor(() => gateway.feed.window().head === 50, { message: 'feed at the head' });
    const again = await subscribe(url, { filter: { severity: ['info', 'critical', 'high'] }, since: cursor });
    await publish(50, 10); // live while the replay runs
    const expected = alertRange(10, 50)
      .filter((a) => ['high', 'critical', 'info'].includes(a.severity))
      .map((a) => a.id);
    await again.until(
      (f) => f.filter((x) => x.op === 'alert').length >= expected.length,
      'missed + live',
      30_000,
    );
    expect(again.alertIds()).toEqual(expected);
    expect(await metricValue(registry, 'vigil_ws_replays_total', { source: 'bus' })).toBe(1);
  });

  it('gives the same cursors on two gateways: a cursor from one resumes on the other', async () => {
    const one = await start();
    const two = await start();
    const onOne = await subscribe(one.url);
    const onTwo = await subscribe(two.url);
    await publish(0, 10);
    await onOne.until((f) => f.filter((x) => x.op === 'alert').length === 10, 'gateway 1');
    await onTwo.until((f) => f.filter((x) => x.op === 'alert').length === 10, 'gateway 2');
    expect(onTwo.frames.filter((f) => f.op === 'alert')).toEqual(
      onOne.frames.filter((f) => f.op === 'alert'),
    );
    const cursor = onOne.lastCursor();
    onOne.close();
    await publish(10, 10);
    const moved = await subscribe(two.url, { since: cursor });
    await moved.until((f) => f.filter((x) => x.op === 'alert').length === 10, 'the missed 10 on gateway 2');
    expect(moved.alertIds()).toEqual(ids(10, 10));
  });

  it('pushes a changed episode as an update frame on every gateway, and to a client resuming from an older cursor', async () => {
    const one = await start();
    const two = await start();
    const onOne = await subscribe(one.url);
    const opened = { ...mixedAlert(0), revision: 1, occurrences: 1 };
    const onTwo = await subscribe(two.url, { filter: { severity: [opened.severity] } });
    await publishAlerts(suite.env.publisher, suite.topic, [opened]);
    await onOne.until((f) => f.some((x) => x.op === 'alert'), 'the new episode');
    const before = onOne.lastCursor();
    onOne.close();

    const changed = { ...opened, revision: 2, occurrences: 7, status: 'acknowledged' as const };
    // The change published twice (a processor republishing after a crash), then an unrelated new alert.
    await publishAlerts(suite.env.publisher, suite.topic, [
      changed,
      changed,
      { ...mixedAlert(5), revision: 1 },
    ]);
    const episodeFrames = (frames: { op: string; alert?: { id: string; revision?: number } }[]) =>
      frames
        .filter((x) => (x.op === 'alert' || x.op === 'update') && x.alert?.id === opened.id)
        .map((x) => [x.op, x.alert?.revision]);
    await onTwo.until(
      (f) => f.some((x) => x.op === 'alert' && x.alert?.id === 'alert-5'),
      'live, past the update',
    );
    expect(episodeFrames(onTwo.frames)).toEqual([
      ['alert', 1],
      ['update', 2],
    ]);
    expect(onTwo.frames.find((x) => x.op === 'update')?.alert).toEqual(changed);

    // A dashboard that was offline since the episode opened catches up on the change, on the other gateway.
    const resumed = await subscribe(two.url, { since: before });
    await resumed.until((f) => f.some((x) => x.op === 'alert' && x.alert?.id === 'alert-5'), 'the resume');
    expect(episodeFrames(resumed.frames)).toEqual([['update', 2]]);
    const update = resumed.frames.find((x) => x.op === 'update');
    expect(update).toEqual({ op: 'update', cursor: expect.any(String), alert: changed });
    expect(update?.cursor).toBe(onTwo.frames.find((x) => x.op === 'update')?.cursor);
  });

  it('resumes across a gateway restart (new feed and server on the same topic)', async () => {
    const before = await start();
    const client = await subscribe(before.url);
    await publish(0, 10);
    await client.until((f) => f.filter((x) => x.op === 'alert').length === 10, 'before the restart');
    const cursor = client.lastCursor();
    await before.gateway.stop();
    suite.stopped(before.gateway);
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
    await publish(10, 10); // while no gateway runs
    const after = await start();
    const back = await subscribe(after.url, { since: cursor });
    await publish(20, 5);
    await back.until((f) => f.filter((x) => x.op === 'alert').length === 15, 'missed + live');
    expect(back.alertIds()).toEqual(ids(10, 15));
  });

  it('cuts off a client that stops reading at the buffer bound while another keeps receiving everything', async () => {
    const maxBufferedBytes = 256 * 1024;
    const { url, registry } = await start({ limits: { fanout: { maxBufferedBytes } } });
    const reader = await subscribe(url);
    const stalled = await subscribe(url);
    (stalled.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const rssBefore = process.memoryUsage().rss;
    const total = 12_000; // ~1.2 KB each: past loopback's kernel buffers and the bound, several times
    await publish(0, total, 1_000);
    await reader.until((f) => f.filter((x) => x.op === 'alert').length === total, 'every alert', 60_000);
    const dropped = () => metricValue(registry, 'vigil_ws_slow_clients_dropped_total', { reason: 'live' });
    await expect.poll(dropped, { timeout: 20_000 }).toBe(1);
    const rssAfter = process.memoryUsage().rss;
    process.stdout.write(
      `[slow-consumer ${suite.env.name}] rss before ${(rssBefore / 2 ** 20).toFixed(1)} MiB, after ${(rssAfter / 2 ** 20).toFixed(1)} MiB, bound ${maxBufferedBytes / 1024} KiB\n`,
    );
    expect(reader.alertIds()).toEqual(ids(0, total));
    // The explicit cut-off came first: uWS never had to skip a frame at its own (higher) limit.
    expect(await metricValue(registry, 'vigil_ws_slow_clients_dropped_total', { reason: 'hard_limit' })).toBe(
      0,
    );
    // Reading again: what it got is a gap-free prefix, then the close (4008 if read before uWS's close timeout).
    (stalled.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    const { code } = await stalled.closed;
    expect([4008, 1006]).toContain(code);
    process.stdout.write(
      `[slow-consumer ${suite.env.name}] stalled client saw close ${code} after ${stalled.alertIds().length} alerts\n`,
    );
    const got = stalled.alertIds();
    expect(got).toEqual(ids(0, got.length));
    expect(got.length).toBeLessThan(total);
    // And it resumes from its last cursor to the end, so the cut-off lost nothing.
    const resumed = await subscribe(url, { since: stalled.lastCursor() });
    await resumed.until(
      (f) => f.filter((x) => x.op === 'alert').length === total - got.length,
      'the rest',
      60_000,
    );
    expect(resumed.alertIds()).toEqual(ids(got.length, total - got.length));
  });

  it('answers bad frames with the documented errors and keeps serving', async () => {
    const { url } = await start();
    const client = await connect(url);
    const errorCodes = () => client.frames.filter((f) => f.op === 'error').map((f) => f.code);
    const sends: unknown[] = [
      'garbage{',
      { op: 'dance' },
      { op: 'subscribe', filter: { severity: ['urgent'] } },
      { op: 'subscribe', filter: { service: Array.from({ length: 60 }, (_, i) => `s${i}`) } },
      { op: 'subscribe', since: 'not-a-cursor' },
      { op: 'subscribe', since: 'elsewhere.0000000000001' },
    ];
    for (const frame of sends) client.send(frame);
    await client.until((f) => f.filter((x) => x.op === 'error').length === sends.length, 'six errors');
    expect(errorCodes()).toEqual([
      'bad_request',
      'bad_request',
      'bad_request',
      'too_many_values',
      'bad_request',
      'cursor_expired',
    ]);
    client.send({ op: 'ping' });
    await client.until((f) => f.some((x) => x.op === 'pong'), 'pong after the errors');
    const oversized = await connect(url);
    oversized.send({ op: 'subscribe', filter: { service: ['x'.repeat(70 * 1024)] } });
    expect((await oversized.closed).code).toBe(1006);
    client.send({ op: 'subscribe' });
    await client.until((f) => f.some((x) => x.op === 'subscribed'), 'still serving');
    await publishAlerts(suite.env.publisher, suite.topic, [mixedAlert(0)]);
    await client.until((f) => f.some((x) => x.op === 'alert'), 'an alert');
  });
}

describe('live gateway on the in-process bus', () => {
  liveSuite(memoryEnv);
});

describeWith(['kafka'])('live gateway on Kafka', () => {
  const kafka = services().kafka;
  if (!kafka) return;
  liveSuite(() => kafkaEnv(kafka.brokers));
});
