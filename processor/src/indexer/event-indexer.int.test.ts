import { createKafkaBus, createMemoryBus, type Running } from '@vigil/adapters';
import { type Bus, topicNames, vigilTopics } from '@vigil/core';
import { type EventStore, openDatabase } from '@vigil/db';
import { createTestDatabase, describeWith, services, uniqueName, waitFor } from '@vigil/harness';
import { afterAll, expect, it } from 'vitest';
import { silent, TEST_CONSUMER } from '../testing/processor-fixture.ts';
import { createEventIndexer, INDEXER_GROUP_ID } from './event-indexer.ts';
import { startIndexer } from './start-indexer.ts';

interface World {
  bus: Bus;
  events: EventStore;
  topics: ReturnType<typeof topicNames>;
  /** Starts an indexer (the same group each time), as a restart would. */
  startIndexer(): Promise<Running>;
  close(): Promise<void>;
}

const PARTITIONS = 3;
const json = (value: unknown) => JSON.stringify(value);

/** The in-process bus and PGlite, as embedded mode wires them. */
async function embeddedWorld(): Promise<World> {
  const topics = topicNames();
  const bus = createMemoryBus({ logger: silent });
  await bus.start(vigilTopics(PARTITIONS));
  const database = await openDatabase({ logger: silent });
  return {
    bus,
    events: database.events,
    topics,
    startIndexer: async () => {
      const indexer = createEventIndexer({
        bus,
        store: database.events,
        topics: Object.values(topics.events),
        retentionMs: 24 * 3_600_000,
        writers: 2, // two members of the group on the in-process bus, as INDEXER_WRITERS makes on Kafka
        logger: silent,
      });
      await indexer.start();
      return indexer;
    },
    close: async () => {
      await bus.stop();
      await database.close();
    },
  };
}

/** Real Kafka and PostgreSQL, the indexer started by its distributed-mode main from the environment. */
async function distributedWorld(): Promise<World> {
  const endpoints = services();
  const prefix = `${uniqueName('idx')}.`;
  const topics = topicNames(prefix);
  const testDb = await createTestDatabase(endpoints.postgres!.url, 'indexer');
  const bus = createKafkaBus({
    brokers: endpoints.kafka!.brokers,
    clientId: 'indexer-test',
    logger: silent,
    consumer: TEST_CONSUMER,
  });
  await bus.start(vigilTopics(PARTITIONS, prefix));
  const database = await openDatabase({ url: testDb.url, logger: silent });
  const env = {
    KAFKA_BROKERS: endpoints.kafka!.brokers.join(','),
    DATABASE_URL: testDb.url,
    TOPIC_PREFIX: prefix,
    EVENT_PARTITIONS: String(PARTITIONS),
    INDEXER_GROUP_ID: `${prefix}${INDEXER_GROUP_ID}`,
    METRICS_PORT: '0',
    LOG_LEVEL: 'silent',
  };
  return {
    bus,
    events: database.events,
    topics,
    startIndexer: () => startIndexer(env),
    close: async () => {
      await bus.stop();
      await database.close();
      await testDb.drop();
    },
  };
}

const worlds: [string, Parameters<typeof describeWith>[0], () => Promise<World>][] = [
  ['the in-process bus and PGlite', [], embeddedWorld],
  ['Kafka and PostgreSQL (npm run indexer)', ['kafka', 'postgres'], distributedWorld],
];

for (const [name, needs, open] of worlds) {
  describeWith(needs)(`event indexer on ${name}`, { timeout: 90_000 }, () => {
    let world: World | undefined;
    afterAll(async () => {
      await world?.close();
    });

    it('makes published events searchable, skips invalid ones, and stores each event once across a restart', async () => {
      world ??= await open();
      const { bus, events, topics } = world;
      const tag = uniqueName('svc');
      const ts = new Date().toISOString();
      await bus.publish(topics.events.logs, [
        { key: 'a', value: json({ ts, service: tag, level: 'ERROR', message: 'payment gateway timeout' }) },
        { key: 'b', value: json({ ts, service: tag, level: 'INFO', message: 'payment accepted' }) },
        { key: 'c', value: json({ ts, service: tag, level: 'LOUD', message: 'not a level' }) },
        { key: 'd', value: '{not json' },
      ]);
      await bus.publish(topics.events.metrics, [
        { key: 'h', value: json({ ts, service: tag, host: `${tag}-h1`, cpu: 91, latencyMs: 12 }) },
      ]);
      await bus.publish(topics.events.security, [
        { key: 'i', value: json({ ts, ip: '10.0.0.7', action: 'login_failure', userId: `${tag}-u` }) },
      ]);

      let indexer = await world.startIndexer();
      const found = await waitFor(
        async () => {
          const page = await events.queryEvents({ service: [tag] });
          return page.items.length === 3 ? page.items : null;
        },
        { timeoutMs: 60_000, message: 'the three valid events of the service indexed' },
      );
      expect(found.map((e) => e.source).sort()).toEqual(['logs', 'logs', 'metrics']);
      const text = await events.queryEvents({ service: [tag], q: 'timeout' });
      expect(text.items.map((e) => e.event.message)).toEqual(['payment gateway timeout']);
      await waitFor(async () => (await events.queryEvents({ userId: [`${tag}-u`] })).items.length === 1, {
        timeoutMs: 30_000,
        message: 'the security event indexed',
      });

      // A restart resumes from the committed offsets: the next event arrives, the earlier ones stay single.
      await indexer.stop();
      await bus.publish(topics.events.logs, [
        { key: 'a', value: json({ ts, service: tag, level: 'WARN', message: 'after restart' }) },
      ]);
      indexer = await world.startIndexer();
      try {
        await waitFor(async () => (await events.queryEvents({ service: [tag] })).items.length === 4, {
          timeoutMs: 60_000,
          message: 'the event published while the indexer was down indexed',
        });
        const all = await events.queryEvents({ service: [tag], limit: 100 });
        expect(new Set(all.items.map((e) => e.id)).size).toBe(4);
      } finally {
        await indexer.stop();
      }
    });

    it('goes on past a valid event the store refuses: its batch and the next are indexed', async () => {
      world ??= await open();
      const { bus, events, topics } = world;
      const tag = uniqueName('svc');
      const ts = new Date().toISOString();
      const log = (message: string) => json({ ts, service: tag, level: 'INFO', message });
      // Valid by the event contract, but jsonb refuses the lone surrogate JSON.stringify writes back.
      const refused = `{"ts":"${ts}","service":"${tag}","level":"INFO","message":"lone \\udc00 surrogate"}`;
      await bus.publish(topics.events.logs, [
        { key: 'k', value: log('before') },
        { key: 'k', value: refused },
        { key: 'k', value: log('after') },
      ]);
      const indexer = await world.startIndexer();
      try {
        await waitFor(async () => (await events.queryEvents({ service: [tag] })).items.length === 2, {
          timeoutMs: 60_000,
          message: 'the two storable events of the batch indexed',
        });
        await bus.publish(topics.events.logs, [{ key: 'k', value: log('next batch') }]);
        await waitFor(async () => (await events.queryEvents({ service: [tag] })).items.length === 3, {
          timeoutMs: 60_000,
          message: 'the next batch indexed',
        });
        const { items } = await events.queryEvents({ service: [tag] });
        expect(items.map((e) => e.event.message).sort()).toEqual(['after', 'before', 'next batch']);
      } finally {
        await indexer.stop();
      }
    });
  });
}
