import { type Alert, partitionKey, topicNames } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { describeWith, services, uniqueName } from '@vigil/harness';
import { Registry } from 'prom-client';
import { afterEach, expect, it } from 'vitest';
import { kafkaEnv, logger, publishAlerts } from '../fanout/testing/live-env.ts';
import { useLiveSuite } from '../fanout/testing/live-suite.ts';
import { bearer } from '../fanout/testing/test-identities.ts';
import { createGatewayService, type GatewayService } from '../gateway-service.ts';

interface Frame {
  op: string;
  cursor?: string;
  alert?: Alert;
}

/**
 * The lifecycle across gateways on real Kafka and PostgreSQL: a status change made through one gateway's
 * REST API is published on the alerts topic and pushed by every gateway as an `update` frame, live and to
 * a client resuming from a cursor older than the change.
 */
describeWith(['kafka', 'postgres'])('alert lifecycle across gateways (Kafka, PostgreSQL)', () => {
  const suite = useLiveSuite(() => kafkaEnv(services().kafka!.brokers), 'gateway-lifecycle');
  const gateways: GatewayService[] = [];
  afterEach(async () => {
    for (const gateway of gateways.splice(0)) await gateway.stop();
  });

  /** A gateway as main.ts builds it, over the suite's PostgreSQL database (alerts and identities). */
  async function startGateway() {
    const gateway = createGatewayService({
      bus: await suite.env.gatewayBus(),
      store: suite.database.store,
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
    gateways.push(gateway);
    const { port } = await gateway.start();
    return { url: `ws://127.0.0.1:${port}/ws`, base: `http://127.0.0.1:${port}` };
  }

  const subscribe = async (url: string, frame: Record<string, unknown> = {}) => {
    const client = await suite.connect(url, { headers: bearer(suite.viewer) });
    client.send({ op: 'subscribe', ...frame });
    await client.until((f) => f.some((x) => x.op === 'subscribed'), 'subscribed');
    return client;
  };
  const framesOf = (frames: Frame[], id: string) =>
    frames.filter((f) => (f.op === 'alert' || f.op === 'update') && f.alert?.id === id);

  it('an acknowledge on gateway 1 reaches gateway 2 as an update, live and on resume', async () => {
    const one = await startGateway();
    const two = await startGateway();
    // An episode as the processor makes and publishes it.
    const id = uniqueName('episode');
    const { firings } = await suite.database.store.foldFirings([
      {
        // Detected now, as the processor stamps it: the trail is in wall-clock time.
        alert: makeAlert({
          id,
          ruleId: 'metrics.latency-high',
          source: 'metrics',
          key: `host=${id}`,
          detectedAt: new Date().toISOString(),
        }),
        resolveAfterMs: 300_000,
      },
    ]);
    const episode = firings[0]!.episode;
    const live = await subscribe(two.url, { filter: { source: ['metrics'] } });
    await publishAlerts(suite.env.publisher, suite.topic, [episode]);
    await live.until((f) => framesOf(f, id).length === 1, 'the new episode');
    const before = live.lastCursor();

    const { secret } = await suite.fixture.createToken('operator');
    const response = await fetch(`${one.base}/api/alerts/${id}`, {
      method: 'PATCH',
      headers: bearer(secret, { 'content-type': 'application/json' }),
      body: JSON.stringify({ status: 'acknowledged', note: 'mine' }),
    });
    expect(response.status).toBe(200);
    const acknowledged = (await response.json()) as Alert;
    expect(acknowledged).toMatchObject({ status: 'acknowledged', revision: 2 });
    expect(acknowledged.acknowledgedBy).toMatch(/^token:test-operator-/);

    await live.until((f) => framesOf(f, id).length === 2, 'the update on gateway 2');
    expect(framesOf(live.frames, id).map((f) => [f.op, f.alert?.revision, f.alert?.status])).toEqual([
      ['alert', 1, 'open'],
      ['update', 2, 'acknowledged'],
    ]);
    const update = framesOf(live.frames, id)[1]!;
    expect(update.alert).toEqual({ ...acknowledged, publishedAt: expect.any(String) });

    // A dashboard that last saw the episode opening catches up on the change.
    const resumed = await subscribe(two.url, { since: before });
    await resumed.until((f) => framesOf(f, id).length === 1, 'the update on resume');
    expect(framesOf(resumed.frames, id)).toEqual([
      { op: 'update', cursor: update.cursor, alert: update.alert },
    ]);

    // And the trail, read on the other gateway, says who and why.
    const trail = await fetch(`${two.base}/api/alerts/${id}/activity`, { headers: bearer(suite.viewer) });
    expect(((await trail.json()) as { items: unknown[] }).items).toMatchObject([
      { action: 'acknowledged', actor: acknowledged.acknowledgedBy, note: 'mine' },
      { action: 'opened', actor: 'system' },
    ]);
  });

  it('a bulk resolve on gateway 1 reaches gateway 2 as one update per changed alert', async () => {
    const one = await startGateway();
    const two = await startGateway();
    const ids = [uniqueName('bulk'), uniqueName('bulk')];
    await suite.database.store.insertAlerts(ids.map((id) => makeAlert({ id, source: 'logs' })));
    const live = await subscribe(two.url, { filter: { source: ['logs'] } });
    const { secret } = await suite.fixture.createToken('operator');
    const response = await fetch(`${one.base}/api/alerts/bulk`, {
      method: 'POST',
      headers: bearer(secret, { 'content-type': 'application/json' }),
      body: JSON.stringify({ ids: [...ids, 'no-such-alert'], status: 'resolved' }),
    });
    expect(response.status).toBe(200);
    await live.until((f) => ids.every((id) => framesOf(f, id).length === 1), 'both updates');
    for (const id of ids)
      expect(framesOf(live.frames, id).map((f) => [f.op, f.alert?.status, f.alert?.revision])).toEqual([
        ['update', 'resolved', 2],
      ]);
  });
});
