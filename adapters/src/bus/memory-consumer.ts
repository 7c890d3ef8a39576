import {
  abortableSleep,
  type Backoff,
  type BatchHandler,
  type BusConsumer,
  backoffDelay,
  ERROR_CODES,
  type MessageBatch,
  VigilError,
} from '@vigil/core';
import type { Logger } from 'pino';
import { checkOffset, unknownTopicError } from './bus-errors.ts';
import { type GroupMember, type MemoryGroup, partitionKey, type TopicPartition } from './memory-group.ts';
import type { MemoryTopic } from './memory-topic.ts';
import { createWakeup } from './wakeup.ts';

export interface MemoryConsumerOptions {
  group: MemoryGroup;
  topics: string[];
  fromBeginning: boolean;
  autoCommit: boolean;
  topic: (name: string) => MemoryTopic | undefined;
  logger: Logger;
  maxBatchSize: number;
  retryBackoff: Backoff;
  onStop: () => void;
  /** The loop itself crashed (a bug here, never a handler error): the process must not go on silently. */
  onFatal: (err: unknown) => void;
}

interface Assigned extends TopicPartition {
  key: string;
  /** Where to start when the group has no committed offset, fixed when the partition was assigned. */
  start: number;
}

/**
 * One member of a memory-bus consumer group: delivers one batch at a time from its partitions,
 * commits after the handler resolves, and waits on a wake-up (never polls) when it has caught up.
 */
export function createMemoryConsumer(options: MemoryConsumerOptions): BusConsumer {
  const { group, topics, fromBeginning, autoCommit, logger, maxBatchSize, retryBackoff } = options;
  const wakeup = createWakeup();
  const abort = new AbortController();
  let assigned: Assigned[] = [];
  const positions = new Map<string, number>();
  /** Seeks wait here until this member next reads the partition (kafkajs keeps them pending the same way). */
  const seeks = new Map<string, number>();
  let cursor = 0;
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let loop: Promise<void> = Promise.resolve();

  const topicOf = (name: string): MemoryTopic => {
    const topic = options.topic(name);
    if (!topic) throw unknownTopicError(name);
    return topic;
  };

  const member: GroupMember = {
    topics,
    wake: () => wakeup.notify(),
    assign(partitions) {
      const previous = new Map(assigned.map((a) => [a.key, a]));
      assigned = partitions.map(({ topic, partition }) => {
        const key = partitionKey(topic, partition);
        const log = topicOf(topic).logs[partition]!;
        return previous.get(key) ?? { topic, partition, key, start: fromBeginning ? log.low : log.high };
      });
      const keys = new Set(assigned.map((a) => a.key));
      for (const key of positions.keys()) if (!keys.has(key)) positions.delete(key);
      logger.debug({ groupId: group.id, partitions: assigned.length }, 'memory bus assignment');
      wakeup.notify();
    },
  };

  const nextBatch = (): { key: string; batch: MessageBatch } | undefined => {
    for (let i = 0; i < assigned.length; i += 1) {
      const entry = assigned[(cursor + i) % assigned.length]!;
      const { key, topic, partition } = entry;
      if (group.busy.has(key)) continue;
      const log = topicOf(topic).logs[partition]!;
      const seek = seeks.get(key);
      if (seek !== undefined) {
        seeks.delete(key);
        positions.set(key, seek);
        if (autoCommit) group.commit(key, seek); // as kafkajs does: a seek is committed in autoCommit mode
      }
      let position = positions.get(key) ?? group.committed.get(key) ?? entry.start;
      if (position < log.low || position > log.high) {
        const reset = fromBeginning ? log.low : log.high;
        logger.warn({ topic, partition, offset: position, reset }, 'offset out of retained range; resetting');
        position = reset;
      }
      positions.set(key, position);
      if (position < log.high) {
        cursor = (cursor + i + 1) % assigned.length;
        return { key, batch: { topic, partition, messages: log.read(position, maxBatchSize) } };
      }
    }
    return undefined;
  };

  const consume = async (handler: BatchHandler) => {
    let failures = 0;
    while (state === 'running') {
      const work = nextBatch();
      if (!work) {
        await wakeup.wait();
        continue;
      }
      const { key, batch } = work;
      const { topic, partition } = batch;
      const first = batch.messages[0]!.offset;
      let failed = false;
      group.busy.add(key);
      try {
        await handler(batch);
        failures = 0;
        const next = Number(batch.messages.at(-1)!.offset) + 1;
        if (autoCommit) group.commit(key, next);
        if (positions.has(key)) positions.set(key, next);
      } catch (err) {
        failed = true;
        failures += 1;
        positions.delete(key); // the next read starts again from the last commit
        logger.error(
          { err, topic, partition, offset: first, attempt: failures },
          'batch handler failed; redelivering',
        );
      } finally {
        group.busy.delete(key);
        // Lost in a rebalance while in flight: its new owner is waiting for this batch to end.
        if (!assigned.some((a) => a.key === key)) group.wakeAll();
      }
      if (failed) await abortableSleep(backoffDelay(failures, retryBackoff), abort.signal);
      // Handlers that resolve at once would keep this loop on microtasks through a whole backlog;
      // yield so one busy consumer cannot starve the sockets of everything else in the process.
      else await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const finish = async () => {
    state = 'stopped';
    options.onStop();
  };
  const stop = async () => {
    state = 'stopping';
    abort.abort();
    wakeup.notify();
    await loop;
    for (const name of topics) topicOf(name).listeners.delete(member.wake);
    group.leave(member);
    await finish();
  };
  let stopping: Promise<void> | undefined;

  return {
    async run(handler) {
      if (state !== 'idle')
        throw new VigilError(ERROR_CODES.internal, 'a bus consumer runs once; create another');
      for (const name of topics) topicOf(name);
      state = 'running';
      for (const name of topics) topicOf(name).listeners.add(member.wake);
      group.join(member);
      loop = consume(handler).catch((err) => {
        // Only a bug in this file gets here (handler errors are caught above): nothing consumes any more.
        logger.fatal({ err, groupId: group.id }, 'memory bus consumer loop crashed');
        options.onFatal(err);
      });
    },
    seek(topic, partition, offset) {
      if (state !== 'running') throw new VigilError(ERROR_CODES.internal, 'seek() needs a running consumer');
      seeks.set(partitionKey(topic, partition), Number(checkOffset(offset)));
      wakeup.notify();
    },
    async commit(offsets) {
      if (state !== 'running' && state !== 'stopping')
        throw new VigilError(ERROR_CODES.internal, 'commit() needs a running consumer');
      for (const { topic, partition, offset } of offsets) {
        const key = partitionKey(topic, partition);
        const next = Number(checkOffset(offset));
        // A partition lost in a rebalance belongs to another member now: its position is not ours to move.
        if (assigned.some((a) => a.key === key)) group.commit(key, next);
        else logger.debug({ topic, partition, offset }, 'commit for a partition not owned; ignored');
      }
    },
    stop() {
      stopping ??= state === 'running' ? stop() : finish();
      return stopping;
    },
  };
}
