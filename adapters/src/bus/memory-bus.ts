import { type Bus, type BusConsumer, UnavailableError, ValidationError } from '@vigil/core';
import type { Logger } from 'pino';
import { checkOutgoing, unknownTopicError } from './bus-errors.ts';
import { createMemoryConsumer } from './memory-consumer.ts';
import { createMemoryGroup, type MemoryGroup, partitionKey } from './memory-group.ts';
import { createMemoryTopic, type MemoryTopic } from './memory-topic.ts';
import { DEFAULT_RETRY_BACKOFF, type RetryBackoff } from './retry-backoff.ts';

/**
 * Messages kept per partition. Measured: a 250-byte event costs about 0.9 KB in memory, so a full
 * partition holds about 90 MB; at embedded-mode rates (50 events/s over four topics) one fills in
 * about two hours. Lower it (or use one partition per topic) where memory is tight.
 */
export const DEFAULT_RETENTION = 100_000;
/** Largest batch handed to a handler: big enough to amortise commits, small enough to bound one retry. */
export const DEFAULT_MAX_BATCH_SIZE = 1_000;

export interface MemoryBusOptions {
  logger: Logger;
  /** Clock for message timestamps. */
  now?: () => number;
  /** Newest messages kept per partition; older ones are dropped and the low offset moves up. */
  retention?: number;
  maxBatchSize?: number;
  /** Wait before redelivering a batch whose handler threw. */
  retryBackoff?: RetryBackoff;
}

/**
 * The in-process bus of embedded mode, with Kafka's delivery semantics (see core's bus port): fixed
 * partitions, key hashing, consumer groups with rebalancing, committed offsets, at-least-once delivery.
 * Nothing survives the process: a restart starts from empty topics and groups.
 */
export function createMemoryBus(options: MemoryBusOptions): Bus {
  const logger = options.logger.child({ module: 'memory-bus' });
  const now = options.now ?? Date.now;
  const retention = options.retention ?? DEFAULT_RETENTION;
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  if (!Number.isInteger(retention) || retention < 1)
    throw new ValidationError('retention must be an integer ≥ 1');
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)
    throw new ValidationError('maxBatchSize must be an integer ≥ 1');

  const topics = new Map<string, MemoryTopic>();
  const groups = new Map<string, MemoryGroup>();
  const consumers = new Set<BusConsumer>();
  let stopped = false;

  const topicOf = (name: string): MemoryTopic => {
    const topic = topics.get(name);
    if (!topic) throw unknownTopicError(name);
    return topic;
  };
  const groupOf = (id: string): MemoryGroup => {
    let group = groups.get(id);
    if (!group) {
      group = createMemoryGroup(id, (name) => topicOf(name).logs.length);
      groups.set(id, group);
    }
    return group;
  };
  const assertRunning = () => {
    if (stopped) throw new UnavailableError('the memory bus is stopped');
  };

  return {
    async start(specs) {
      assertRunning();
      for (const { topic, partitions } of specs) {
        if (topics.has(topic)) continue;
        if (!Number.isInteger(partitions) || partitions < 1)
          throw new ValidationError(`topic "${topic}" needs an integer partition count ≥ 1`);
        topics.set(topic, createMemoryTopic(topic, partitions, retention));
        logger.info({ topic, partitions, retention }, 'topic created');
      }
    },

    async publish(name, messages) {
      assertRunning();
      const topic = topicOf(name);
      checkOutgoing(name, messages);
      const timestamp = now();
      for (const message of messages) topic.append(message, timestamp);
      if (messages.length > 0) for (const wake of topic.listeners) wake();
    },

    consumer({ groupId, topics: names, fromBeginning = false, autoCommit = true }) {
      assertRunning();
      const consumer: BusConsumer = createMemoryConsumer({
        group: groupOf(groupId),
        topics: [...new Set(names)],
        fromBeginning,
        autoCommit,
        topic: (name) => topics.get(name),
        logger: logger.child({ groupId }),
        maxBatchSize,
        retryBackoff: options.retryBackoff ?? DEFAULT_RETRY_BACKOFF,
        onStop: () => consumers.delete(consumer),
      });
      consumers.add(consumer);
      return consumer;
    },

    async topicOffsets(name) {
      return topicOf(name).logs.map((log, partition) => ({
        partition,
        low: String(log.low),
        high: String(log.high),
      }));
    },

    async committedOffsets(groupId, name) {
      const committed = groups.get(groupId)?.committed;
      return topicOf(name).logs.map((_, partition) => {
        const offset = committed?.get(partitionKey(name, partition));
        return { partition, offset: offset === undefined ? null : String(offset) };
      });
    },

    async stop() {
      stopped = true;
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
    },
  };
}
