import { randomUUID } from 'node:crypto';
import { createKafkaBus } from '@vigil/adapters';
import { type Bus, type BusMessage, INGESTED_AT_HEADER, SOURCES } from '@vigil/core';
import { describeWith, services, uniqueName, waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';

const logger = pino({ level: 'silent' });
const tuning = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 6_000,
  heartbeatInterval: 200,
  maxWaitTimeInMs: 100,
};

// Skipped (with the harness saying why) only when this run has no Kafka; never under CI=true.
describeWith(['kafka'])('HTTP ingest into Kafka', () => {
  const brokers = services().kafka?.brokers ?? [];
  let bus: Bus;

  beforeAll(async () => {
    bus = createKafkaBus({ brokers, clientId: uniqueName('gateway-ingest'), logger, consumer: tuning });
    // Ingest writes to the fixed events.* topics; create them if this run has not yet (existing ones are kept).
    await bus.start(SOURCES.map((source) => ({ topic: `events.${source}`, partitions: 3 })));
  });
  afterAll(async () => {
    await bus?.stop();
  });

  /** Every message of a topic up to its current end, read by a fresh group (the topic is shared by the run). */
  async function readToEnd(topic: string): Promise<BusMessage[]> {
    const end = new Map((await bus.topicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
    const messages: BusMessage[] = [];
    const position = new Map<number, bigint>();
    const consumer = bus.consumer({
      groupId: uniqueName('gateway-ingest'),
      topics: [topic],
      fromBeginning: true,
    });
    await consumer.run(async (batch) => {
      messages.push(...batch.messages);
      const last = batch.messages.at(-1);
      if (last) position.set(batch.partition, BigInt(last.offset) + 1n);
    });
    try {
      await waitFor(() => [...end].every(([p, high]) => high === 0n || (position.get(p) ?? 0n) >= high), {
        timeoutMs: 30_000,
        message: `consumed ${topic} to its end`,
      });
    } finally {
      await consumer.stop();
    }
    return messages;
  }

  it('publishes exactly the valid items, keyed, with ingested-at, and reports the rest', async () => {
    const run = randomUUID();
    const event = (n: number, extra = {}) => ({
      ts: '2030-01-01T00:00:00Z',
      service: `svc-${run}`,
      level: 'ERROR',
      message: `item ${n}`,
      ...extra,
    });
    const { router } = makeRouter({ bus, eventKey: (_, e) => ('service' in e ? e.service : null) });
    const body = [event(0), event(1, { level: 'NOPE' }), event(2), { service: `svc-${run}` }, event(4)]
      .map((e) => JSON.stringify(e))
      .join('\n');
    const response = await router(
      request('POST', '/api/events/logs', {
        body,
        headers: { 'content-type': 'application/x-ndjson' },
        as: 'ingest',
      }),
    );
    expect(response.status).toBe(202);
    expect(bodyJson(response)).toEqual({
      accepted: 3,
      rejected: [
        { index: 1, error: expect.stringMatching(/^\/level/) },
        { index: 3, error: expect.any(String) },
      ],
    });

    const ours = (await readToEnd('events.logs')).filter((m) =>
      Buffer.from(m.value).toString().includes(run),
    );
    expect(ours.map((m) => JSON.parse(Buffer.from(m.value).toString()).message).sort()).toEqual([
      'item 0',
      'item 2',
      'item 4',
    ]);
    for (const message of ours) {
      expect(message.key).toBe(`svc-${run}`);
      expect(message.headers[INGESTED_AT_HEADER]).toBe(String(NOW));
    }
  });

  it('publishes a JSON array to the topic of its source', async () => {
    const run = randomUUID();
    const tx = (amount: number) => ({
      ts: '2030-01-01T00:00:00Z',
      userId: `u-${run}`,
      amount,
      currency: 'EUR',
    });
    const { router } = makeRouter({ bus });
    const response = await router(
      request('POST', '/api/events/transactions', {
        body: [tx(5), tx(-1), tx(20_000)],
        headers: { 'content-type': 'application/json' },
        as: 'ingest',
      }),
    );
    expect(bodyJson(response)).toMatchObject({ accepted: 2, rejected: [{ index: 1 }] });
    const ours = (await readToEnd('events.transactions')).filter((m) =>
      Buffer.from(m.value).toString().includes(run),
    );
    expect(ours.map((m) => JSON.parse(Buffer.from(m.value).toString()).amount).sort((a, b) => a - b)).toEqual(
      [5, 20_000],
    );
    expect(ours.every((m) => m.key === null)).toBe(true);
  });

  it('answers 503 with retry-after when no broker answers, accepting nothing', async () => {
    const dead = createKafkaBus({
      brokers: ['127.0.0.1:1'],
      clientId: uniqueName('gateway-dead'),
      logger,
      connectionTimeoutMs: 200,
      connectRetries: 0,
      publishTimeoutMs: 3_000,
    });
    try {
      const { router } = makeRouter({ bus: dead });
      const response = await router(
        request('POST', '/api/events/logs', {
          body: [{ ts: '2030-01-01T00:00:00Z', service: 's', level: 'INFO', message: 'm' }],
          headers: { 'content-type': 'application/json' },
          as: 'ingest',
        }),
      );
      expect(response.status).toBe(503);
      expect(response.headers?.['retry-after']).toBe('5');
    } finally {
      await dead.stop();
    }
  });
});
