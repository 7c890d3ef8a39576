import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsArchive, createMemoryBus } from '@vigil/adapters';
import { type Alert, type BusMessage, DLQ_HEADERS, topicNames, vigilTopics } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { waitFor } from '@vigil/harness';
import pino from 'pino';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createProcessorService } from '../processor-service.ts';
import { createRuleEngine } from '../rules/index.ts';

const silent = pino({ level: 'silent' });
const PARTITIONS = 3;

/** One user failing from twelve IPs, then succeeding: keyed by ip, its events land on every partition. */
function attack(start: number) {
  const events = [];
  for (let i = 0; i < 12; i++)
    events.push({
      id: `f${i}`,
      ts: new Date(start + i * 1_000).toISOString(),
      ip: `10.0.0.${i}`,
      userId: 'u1',
      action: 'login_failure',
    });
  events.push({
    id: 'ok',
    ts: new Date(start + 13_000).toISOString(),
    ip: '10.0.0.99',
    userId: 'u1',
    action: 'login_success',
  });
  return events;
}

/** What one engine over the whole stream, in order, raises: the reference. */
function reference(events: ReturnType<typeof attack>): string[] {
  const engine = createRuleEngine({ rules: defaultRules(), now: Date.now });
  return events
    .flatMap(
      (event, i) =>
        engine.evaluate({
          source: 'security',
          event,
          ref: { topic: 'events.security', partition: 0, offset: String(i) },
        }).alerts,
    )
    .map((a) => `${a.ruleId} ${a.key}`)
    .sort();
}

async function run(processors: number, events: ReturnType<typeof attack>): Promise<Alert[]> {
  const bus = createMemoryBus({ logger: silent });
  await bus.start(vigilTopics(PARTITIONS));
  const archive = createFsArchive({
    root: await mkdtemp(join(tmpdir(), 'vigil-repartition-')),
    logger: silent,
  });
  await archive.start();
  const stored = new Map<string, Alert>();
  const store = {
    insertAlerts: async (alerts: Alert[]) => {
      for (const a of alerts) stored.set(a.id, a);
      return alerts.length;
    },
    addArchiveKeys: async () => {},
    markPublished: async () => {},
  };
  const services = Array.from({ length: processors }, () =>
    createProcessorService({
      bus,
      archive,
      store,
      rules: defaultRules(),
      logger: silent,
      registry: new Registry(),
      topics: topicNames(),
      onFatal: (err) => {
        throw err;
      },
    }),
  );
  for (const { processor } of services) await processor.start();
  try {
    await bus.publish(
      'events.security',
      events.map((e) => ({ key: e.ip, value: JSON.stringify(e) })),
    );
    const expected = reference(events);
    await waitFor(() => stored.size >= expected.length, { message: `${expected.length} alerts` });
    for (const { processor } of services) await processor.flush();
    return [...stored.values()];
  } finally {
    for (const { processor } of services) await processor.stop();
    await bus.stop();
  }
}

describe('windowed rules after repartitioning (embedded bus)', () => {
  const events = attack(Date.now() - 120_000);

  it('a user failing from IPs on every partition raises what one engine over the whole stream raises', async () => {
    const partitionsUsed = new Set(events.map((e) => e.ip)).size;
    expect(partitionsUsed).toBeGreaterThan(PARTITIONS);
    const expected = reference(events);
    expect(expected).toContain('security.login-failures userId=u1');
    expect(expected).toContain('security.brute-force-success userId=u1');
    for (const processors of [1, 3]) {
      const alerts = await run(processors, events);
      expect(alerts.map((a) => `${a.ruleId} ${a.key}`).sort(), `${processors} processor(s)`).toEqual(
        expected,
      );
    }
  });

  it('dead-letters a message on the repartition topic that stage one did not write, with the reason', async () => {
    const bus = createMemoryBus({ logger: silent });
    await bus.start(vigilTopics(PARTITIONS));
    const archive = createFsArchive({
      root: await mkdtemp(join(tmpdir(), 'vigil-repartition-')),
      logger: silent,
    });
    await archive.start();
    const store = {
      insertAlerts: async (a: Alert[]) => a.length,
      addArchiveKeys: async () => {},
      markPublished: async () => {},
    };
    const fatal: unknown[] = [];
    const { processor } = createProcessorService({
      bus,
      archive,
      store,
      rules: defaultRules(),
      logger: silent,
      registry: new Registry(),
      topics: topicNames(),
      onFatal: (err) => fatal.push(err),
    });
    await processor.start();
    const dead: BusMessage[] = [];
    const reader = bus.consumer({ groupId: 'dlq-reader', topics: ['events.dlq'], fromBeginning: true });
    await reader.run(async (batch) => {
      dead.push(...batch.messages);
    });
    try {
      await bus.publish('processor.repartition', [{ key: 'x', value: '{"not":"a copy"}' }]);
      await waitFor(() => dead.length >= 1, { message: 'the foreign message on the DLQ' });
      expect(dead[0]!.headers[DLQ_HEADERS.reason]).toBe(
        'repartition message without the vigil-copies header of stage one',
      );
      expect(Buffer.from(dead[0]!.value).toString()).toBe('{"not":"a copy"}');
      expect(fatal).toEqual([]);
    } finally {
      await reader.stop();
      await processor.stop();
      await bus.stop();
    }
  });
});
