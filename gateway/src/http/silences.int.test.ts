import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsArchive } from '@vigil/adapters';
import { type Alert, partitionKey, type Silence, topicNames, vigilTopics } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { describeWith, services, uniqueName, waitFor } from '@vigil/harness';
import { createProcessorService } from '@vigil/processor';
import { Registry } from 'prom-client';
import { afterEach, expect, it } from 'vitest';
import { kafkaEnv, logger } from '../fanout/testing/live-env.ts';
import { useLiveSuite } from '../fanout/testing/live-suite.ts';
import { bearer } from '../fanout/testing/test-identities.ts';
import { createGatewayService, type GatewayService } from '../gateway-service.ts';

interface Frame {
  op: string;
  cursor?: string;
  alert?: Alert;
}

const RULE = 'metrics.latency-high';

/**
 * Silences across gateways on real Kafka and PostgreSQL, with a real processor folding the firings: a
 * silence created through gateway 1 reaches a client of gateway 2 as an `update` with `silencedBy`, a later
 * firing of the silenced rule and key is folded and stored silenced, and expiring the silence pushes an
 * update with `silencedBy` empty.
 */
describeWith(['kafka', 'postgres'])('silences across gateways (Kafka, PostgreSQL, a processor)', () => {
  const suite = useLiveSuite(() => kafkaEnv(services().kafka!.brokers), 'gateway-silences');
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  async function startGateway() {
    const gateway: GatewayService = createGatewayService({
      bus: await suite.env.gatewayBus(),
      store: suite.database.store,
      silences: suite.database.silences,
      rules: [],
      epoch: suite.env.epoch,
      alertsTopic: suite.topic,
      eventTopics: topicNames(uniqueName('unused')).events,
      eventKey: partitionKey,
      host: '127.0.0.1',
      port: 0,
      registry: new Registry(),
      logger,
      auth: suite.fixture.auth,
    });
    const { port } = await gateway.start();
    stops.push(() => gateway.stop());
    return { url: `ws://127.0.0.1:${port}/ws`, base: `http://127.0.0.1:${port}` };
  }

  /** A processor as main.ts builds it, on topics of its own, publishing episodes to the test's alerts topic. */
  async function startProcessor() {
    const prefix = `${uniqueName('silences')}.`;
    const topics = { ...topicNames(prefix), alerts: suite.topic };
    const bus = await suite.env.gatewayBus();
    await bus.start(vigilTopics(1, prefix));
    const dir = await mkdtemp(join(tmpdir(), 'vigil-silences-'));
    const archive = createFsArchive({ root: dir, logger });
    await archive.start();
    const fatal: unknown[] = [];
    const { processor } = createProcessorService({
      bus,
      archive,
      store: suite.database.store,
      rules: defaultRules(),
      topics,
      logger,
      registry: new Registry(),
      groupId: `${prefix}processor`,
      onFatal: (err) => fatal.push(err),
    });
    await processor.start();
    stops.push(async () => {
      await processor.stop();
      await archive.stop();
      await rm(dir, { recursive: true, force: true });
      expect(fatal).toEqual([]);
    });
    let n = 0;
    return {
      /** One metrics sample of `host` breaching latency (metrics.latency-high fires on it). */
      breach: async (host: string) => {
        n += 1;
        const event = {
          id: `${host}-${n}`,
          ts: new Date().toISOString(),
          service: 'checkout',
          host,
          cpu: 10,
          latencyMs: 2_000,
        };
        await bus.publish(topics.events.metrics, [{ key: host, value: JSON.stringify(event) }]);
      },
    };
  }

  const subscribe = async (url: string) => {
    const client = await suite.connect(url, { headers: bearer(suite.viewer) });
    client.send({ op: 'subscribe', filter: { source: ['metrics'] } });
    await client.until((f) => f.some((x) => x.op === 'subscribed'), 'subscribed');
    return client;
  };
  const framesOf = (frames: Frame[], id: string) =>
    frames.filter((f) => (f.op === 'alert' || f.op === 'update') && f.alert?.id === id);

  it('a silence made on gateway 1 reaches gateway 2, holds for a new firing and is lifted on expiry', async () => {
    const one = await startGateway();
    const two = await startGateway();
    const processor = await startProcessor();
    const host = uniqueName('web');
    const key = `host=${host}`;
    const live = await subscribe(two.url);

    await processor.breach(host);
    await live.until((f) => f.some((x) => x.op === 'alert' && x.alert?.key === key), 'the new episode');
    const id = live.frames.find((x) => x.op === 'alert' && x.alert?.key === key)!.alert!.id;

    const { secret } = await suite.fixture.createToken('operator');
    const operator = bearer(secret, { 'content-type': 'application/json' });
    const created = await fetch(`${one.base}/api/silences`, {
      method: 'POST',
      headers: operator,
      body: JSON.stringify({
        matchers: { ruleId: RULE, key },
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        comment: 'host under maintenance',
      }),
    });
    expect(created.status).toBe(201);
    const silence = (await created.json()) as Silence;
    expect(silence).toMatchObject({
      state: 'active',
      createdBy: expect.stringMatching(/^token:test-operator-/),
    });

    await live.until((f) => framesOf(f, id).length === 2, 'the silenced update on gateway 2');
    expect(framesOf(live.frames, id)[1]).toMatchObject({
      op: 'update',
      alert: { silencedBy: [silence.id], revision: 2, occurrences: 1 },
    });

    // A new firing of the silenced rule and key, folded by the processor: stored and pushed silenced.
    await processor.breach(host);
    await live.until((f) => framesOf(f, id).length === 3, 'the folded firing');
    expect(framesOf(live.frames, id)[2]!.alert).toMatchObject({ occurrences: 2, silencedBy: [silence.id] });
    await waitFor(async () => (await suite.database.store.getAlert(id))?.occurrences === 2, {
      message: 'the firing stored',
    });
    expect((await suite.database.store.getAlert(id))!.silencedBy).toEqual([silence.id]);

    const expired = await fetch(`${one.base}/api/silences/${silence.id}`, {
      method: 'DELETE',
      headers: operator,
    });
    expect(expired.status).toBe(200);
    expect(((await expired.json()) as Silence).state).toBe('expired');
    await live.until((f) => framesOf(f, id).length === 4, 'the unsilenced update on gateway 2');
    expect(framesOf(live.frames, id)[3]).toMatchObject({
      op: 'update',
      alert: { silencedBy: [], revision: 4, occurrences: 2 },
    });

    // The trail, read on gateway 2, says who silenced and who lifted it.
    const trail = await fetch(`${two.base}/api/alerts/${id}/activity`, { headers: bearer(suite.viewer) });
    expect(((await trail.json()) as { items: { action: string; actor: string }[] }).items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'unsilenced', actor: silence.createdBy }),
        expect.objectContaining({
          action: 'silenced',
          actor: silence.createdBy,
          note: 'host under maintenance',
        }),
      ]),
    );
  });
});
