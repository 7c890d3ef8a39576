import { connect } from 'node:net';
import { EVENT_STREAM_ERRORS, EVENT_STREAM_FRAMES, EVENT_STREAM_PATH, topicNames } from '@vigil/core';
import { describeWith, services, uniqueName, waitFor } from '@vigil/harness';
import { afterEach, describe, expect, it } from 'vitest';
import { type BusEnv, kafkaEnv, memoryEnv, metricValue } from '../fanout/testing/live-env.ts';
import { useLiveSuite } from '../fanout/testing/live-suite.ts';
import { bearer } from '../fanout/testing/test-identities.ts';
import type { GatewayService } from '../gateway-service.ts';
import type { TailLimits } from './tail-limits.ts';
import { openSse, type SseClient } from './testing/sse-client.ts';

const { ready, end } = EVENT_STREAM_FRAMES;

/**
 * The live tail end to end: a gateway as createGatewayService builds it, real uWS sockets, the real auth
 * over a real database, events posted through HTTP ingest onto a real bus (Kafka or the in-process one)
 * and read back as server-sent events.
 */
function tailSuite(makeEnv: () => BusEnv) {
  const suite = useLiveSuite(makeEnv, 'gateway-tail');
  let ingest: string;

  /** A gateway on this test's own event topics; its base URL, the gateway and its registry. */
  const start = async (tail: Partial<TailLimits> = {}) => {
    ingest ??= (await suite.fixture.createToken('ingest')).secret;
    const eventTopics = topicNames(uniqueName('tail')).events;
    await suite.env.publisher.start(Object.values(eventTopics).map((topic) => ({ topic, partitions: 2 })));
    return suite.start({ eventTopics, limits: { tail } });
  };
  const post = async (base: string, source: string, events: unknown[]) => {
    const response = await fetch(`${base}/api/events/${source}`, {
      method: 'POST',
      headers: bearer(ingest, { 'content-type': 'application/json' }),
      body: JSON.stringify(events),
    });
    expect(response.status).toBe(202);
    expect(((await response.json()) as { accepted: number }).accepted).toBe(events.length);
  };
  const clients: SseClient[] = [];
  afterEach(() => {
    for (const client of clients.splice(0)) client.close();
  });
  /** Opens a stream and waits for `ready`: what is posted from then on is read. */
  const tail = async (base: string, query: string, secret = suite.viewer) => {
    const client = await openSse(base, `${EVENT_STREAM_PATH}${query}`, bearer(secret));
    clients.push(client);
    expect(client.status, JSON.stringify(client.refusal)).toBe(200);
    await client.until((c) => c.named(ready).length === 1, 'ready');
    return client;
  };
  const idle = async (gateway: GatewayService) => {
    await waitFor(() => gateway.eventTail.status().streams === 0, { message: 'no stream left' });
    await gateway.eventTail.settled();
    expect(gateway.eventTail.status().consumer).toBe('idle');
  };
  const ts = () => new Date().toISOString();
  const log = (service: string, level: string, message: string) => ({ ts: ts(), service, level, message });

  it('streams the posted events that match, and not the others', async () => {
    const { base } = await start();
    const service = uniqueName('svc');
    const errors = await tail(base, `?service=${service}&level=ERROR,CRITICAL&q=declin`);
    const everything = await tail(base, '');
    await post(base, 'logs', [
      log(service, 'ERROR', 'card declined by issuer'),
      log(service, 'INFO', 'card declined, retried'),
      log(service, 'ERROR', 'payment accepted'),
      log('other', 'ERROR', 'card declined'),
      log(service, 'CRITICAL', 'Declined twice'),
    ]);
    await post(base, 'metrics', [{ ts: ts(), service, host: 'web-1', cpu: 10, latencyMs: 5 }]);
    await everything.until((c) => c.events().length === 6, 'all six');
    await errors.until((c) => c.events().length === 2, 'the two matches');
    expect(errors.events().map((e) => e.event.message)).toEqual([
      'card declined by issuer',
      'Declined twice',
    ]);
    for (const e of errors.events()) {
      expect(e.source).toBe('logs');
      expect(e.position.topic).toMatch(/events\.logs$/);
      expect(e.id).toBe(`logs:${e.position.partition}:${e.position.offset}@${e.id.split('@')[1]}`);
    }
  });

  it("applies a token's scope", async () => {
    const { base } = await start();
    const scoped = await suite.fixture.createToken('viewer', { scope: { source: ['security'] } });
    const security = await tail(base, '', scoped.secret);
    const asked = await tail(base, '?source=logs', scoped.secret); // the scope leaves nothing of it
    const viewer = await tail(base, '');
    await post(base, 'logs', [log('payments', 'ERROR', 'hidden from the scope')]);
    await post(base, 'security', [{ ts: ts(), ip: '10.0.0.7', action: 'login_failure', userId: 'u1' }]);
    await viewer.until((c) => c.events().length === 2, 'both, unscoped');
    await security.until((c) => c.events().length === 1, 'the security event');
    expect(security.events()[0]?.source).toBe('security');
    expect(asked.events()).toEqual([]);
  });

  it('stops its consumer when the last client leaves, and starts at the live end for the next', async () => {
    const { base, gateway, registry } = await start();
    const a = await tail(base, '');
    const b = await tail(base, '');
    expect(gateway.eventTail.status()).toEqual({ streams: 2, consumer: 'live' });
    a.close();
    await waitFor(() => gateway.eventTail.status().streams === 1, { message: 'one left' });
    expect(gateway.eventTail.status().consumer).toBe('live');
    b.close();
    await idle(gateway);
    expect(await metricValue(registry, 'vigil_tail_consumer_running')).toBe(0);
    await post(base, 'logs', [log('payments', 'ERROR', 'while nobody watched')]);
    const again = await tail(base, '');
    await post(base, 'logs', [log('payments', 'ERROR', 'after ready')]);
    await again.until((c) => c.events().length === 1, 'the new one');
    expect(again.events()[0]?.event.message).toBe('after ready');
  });

  it('ends the stream of a revoked token with an unauthorized frame within a second or so', async () => {
    const { base, gateway } = await start();
    const token = await suite.fixture.createToken('viewer');
    const client = await tail(base, '', token.secret);
    await suite.fixture.revokeElsewhere(token.id);
    await client.ended;
    expect(client.named(end).map((f) => (f.data as { code: string }).code)).toEqual([
      EVENT_STREAM_ERRORS.unauthorized,
    ]);
    await idle(gateway);
    const refused = await openSse(base, EVENT_STREAM_PATH, bearer(token.secret));
    expect(refused.status).toBe(401);
  });

  it('answers HEAD with the head alone, holding no stream', async () => {
    const { base, gateway } = await start({ maxStreamsPerPrincipal: 1 });
    const response = await fetch(`${base}${EVENT_STREAM_PATH}`, {
      method: 'HEAD',
      headers: bearer(suite.viewer),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await response.text()).toBe('');
    expect(gateway.eventTail.status()).toEqual({ streams: 0, consumer: 'idle' });
    expect((await tail(base, '')).status).toBe(200); // the slot it reserved was given back
  });

  it('says going_away to its streams when the gateway stops', async () => {
    const { base, gateway } = await start();
    const client = await tail(base, '');
    await gateway.stop();
    suite.stopped(gateway);
    await client.ended;
    expect(client.named(end)[0]?.data).toMatchObject({ code: EVENT_STREAM_ERRORS.goingAway });
  });

  return { start, post, suite };
}

describe('live event tail over the in-process bus', () => {
  const { start, post, suite } = tailSuite(memoryEnv);

  it('cuts off a client that stops reading, at its buffer ceiling, and frees its slot', async () => {
    const { base, gateway, registry } = await start({
      maxBufferedBytes: 256 * 1024,
      maxEventsPerSecond: 100_000,
    });
    // A raw socket that sends the request, then never reads: the kernel's buffers fill, then uWS's.
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `GET ${EVENT_STREAM_PATH} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${suite.viewer}\r\n\r\n`,
    );
    socket.pause();
    await waitFor(() => gateway.eventTail.status().consumer === 'live', { message: 'tail live' });
    const big = (i: number) => ({
      ts: new Date().toISOString(),
      service: 'bulk',
      level: 'INFO',
      message: `${i} ${'x'.repeat(16_000)}`,
    });
    // ~16 KB each: 640 events are 10 MB, past any loopback socket buffer and the 256 KiB ceiling.
    for (let batch = 0; batch < 4; batch += 1) {
      await post(
        base,
        'logs',
        Array.from({ length: 160 }, (_, i) => big(batch * 160 + i)),
      );
    }
    await waitFor(async () => (await metricValue(registry, 'vigil_tail_slow_clients_dropped_total')) === 1, {
      message: 'the slow client cut off',
      timeoutMs: 20_000,
    });
    await waitFor(() => gateway.eventTail.status().streams === 0, { message: 'its slot freed' });
    socket.destroy();
  });
});

describeWith(['kafka'])('live event tail over Kafka', () => {
  tailSuite(() => kafkaEnv(services().kafka!.brokers));
});
