/**
 * Unit-test world of the event processor, without network: the in-process bus, PGlite in memory and the
 * filesystem archive in a temporary directory. Tests wrap the store or the archive to inject a failure and
 * step `clock` to move time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsArchive, createMemoryBus } from '@vigil/adapters';
import type { Archive, BusMessage, OutgoingMessage } from '@vigil/core';
import { topicNames, vigilTopics } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { type Database, openDatabase } from '@vigil/db';
import { waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createProcessorMetrics } from '../metrics/processor-metrics.ts';
import {
  type AlertWriter,
  createEventProcessor,
  type EventProcessorOptions,
} from '../pipeline/event-processor.ts';
import { createRuleEngine } from '../rules/index.ts';

export const silent = pino({ level: 'silent' });
export const topics = topicNames();

/** Opened once per test file: PGlite takes a few seconds to start. */
export const openLocalDatabase = (): Promise<Database> => openDatabase({ logger: silent });

export interface LocalProcessor {
  processor: ReturnType<typeof createEventProcessor>;
  bus: ReturnType<typeof createMemoryBus>;
  registry: Registry;
  groupId: string;
  /** Every error given to onFatal. */
  fatal: unknown[];
  /** The test's clock: `clock.now` is what the processor reads; move it with `clock.step`. */
  clock: { now: number; step(ms: number): void };
  publish(topic: string, events: object[], key?: string): Promise<void>;
  /** Reads a topic from the beginning until `count` messages arrived. */
  read(topic: string, count: number): Promise<BusMessage[]>;
  /** A series' value for the given labels (0 when absent); histograms by `<name>_count` and the like. */
  metric(name: string, labels?: Record<string, string | number>): Promise<number>;
  close(): Promise<void>;
}

let groups = 0;

/**
 * A started event processor over a fresh in-process bus (one partition per topic) and archive directory.
 * `store` and `archive` wrap the real ones (failure injection); `options` overrides the rest.
 */
export async function startLocalProcessor(
  database: Database,
  wrap: {
    store?: (store: Database['store']) => AlertWriter;
    archive?: (archive: Archive) => Archive;
    options?: Partial<EventProcessorOptions>;
  } = {},
): Promise<LocalProcessor> {
  const bus = createMemoryBus({ logger: silent, retryBackoff: { initialMs: 5, maxMs: 20 } });
  await bus.start(vigilTopics(1));
  const dir = await mkdtemp(join(tmpdir(), 'vigil-processor-'));
  const fsArchive = createFsArchive({ root: dir, logger: silent });
  await fsArchive.start();
  const registry = new Registry();
  const fatal: unknown[] = [];
  const clock = {
    now: Date.now(),
    step(ms: number) {
      clock.now += ms;
    },
  };
  const groupId = `local-${++groups}`;
  const processor = createEventProcessor({
    bus,
    archive: wrap.archive?.(fsArchive) ?? fsArchive,
    store: wrap.store?.(database.store) ?? database.store,
    createEngine: () => createRuleEngine({ rules: defaultRules(), now: () => clock.now }),
    logger: silent,
    metrics: createProcessorMetrics(registry),
    now: () => clock.now,
    groupId,
    topics: Object.values(topics.events),
    alertsTopic: topics.alerts,
    dlqTopic: topics.dlq,
    replayMs: 0,
    retry: { initialMs: 1, maxMs: 5 },
    commitIntervalMs: 20,
    onFatal: (err) => fatal.push(err),
    ...wrap.options,
  });
  await processor.start();
  return {
    processor,
    bus,
    registry,
    groupId,
    fatal,
    clock,
    async publish(topic, events, key = 'k') {
      const messages: OutgoingMessage[] = events.map((e) => ({ key, value: JSON.stringify(e) }));
      await bus.publish(topic, messages);
    },
    async read(topic, count) {
      const received: BusMessage[] = [];
      const consumer = bus.consumer({ groupId: `reader-${++groups}`, topics: [topic], fromBeginning: true });
      await consumer.run(async (batch) => {
        received.push(...batch.messages);
      });
      try {
        await waitFor(() => received.length >= count, { message: `${count} messages on ${topic}` });
      } finally {
        await consumer.stop();
      }
      return received;
    },
    async metric(name, labels = {}) {
      for (const metric of await registry.getMetricsAsJSON()) {
        for (const v of metric.values) {
          const matches = Object.entries(labels).every(([k, want]) => String(v.labels[k]) === String(want));
          const series = (v as { metricName?: string }).metricName ?? metric.name;
          if (series === name && matches) return v.value;
        }
      }
      return 0;
    },
    async close() {
      await processor.stop();
      await bus.stop();
      await fsArchive.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A large transaction (the `transactions.large-amount` rule fires on it) for `userId`. */
export const largeTransaction = (id: string, userId: string, ts: number) => ({
  id,
  ts: new Date(ts).toISOString(),
  userId,
  amount: 25_000,
  currency: 'EUR',
});
