import {
  type Backoff,
  type Bus,
  type BusConsumer,
  ERROR_CODES,
  type OutgoingMessage,
  REDELIVERY,
  UnavailableError,
  ValidationError,
  VigilError,
} from '@vigil/core';
import type { Logger } from 'pino';
import { checkOutgoing, unknownTopicError } from './bus-errors.ts';
import { BusLog } from './disk/bus-log.ts';
import { encodeFrame, type LoggedMessage } from './disk/log-frame.ts';
import { createMemoryConsumer } from './memory-consumer.ts';
import { createMemoryGroup, type MemoryGroup, partitionKey } from './memory-group.ts';
import { createMemoryTopic, type MemoryTopic } from './memory-topic.ts';

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
  /**
   * Newest messages kept per partition; older ones are dropped and the low offset moves up, except
   * messages a durable group has not committed: those are never dropped (see `durableGroups`).
   */
  retention?: number;
  maxBatchSize?: number;
  /** Wait before redelivering a batch whose handler threw (default core's REDELIVERY). */
  retryBackoff?: Backoff;
  /**
   * Directory of the durable log. Set: every publish is written and fsynced before it resolves (and
   * before consumers see it), committed offsets are saved, and `start()` replays both, so a restart,
   * even after SIGKILL, resumes where it stopped. Unset: nothing survives the process.
   */
  dir?: string;
  /**
   * Groups whose uncommitted messages are never dropped, with the topics each must not miss (embedded
   * mode: the processor's group and the event topics). A partition holding `retention` messages such a
   * group has not committed refuses publishes with a retriable "bus full" error instead (HTTP ingest
   * answers 503 with Retry-After), so nothing accepted is lost. Other topics drop by retention alone.
   */
  durableGroups?: Readonly<Record<string, readonly string[]>>;
  /** The bus can no longer keep its promises (the log cannot be written, a consumer loop crashed). */
  onFatal?: (err: unknown) => void;
}

/** The in-process bus: core's `Bus`, plus the durable log's identity. */
export interface MemoryBus extends Bus {
  /**
   * Id of the durable log, made when it was created and kept across restarts (a cursor epoch that stays
   * valid as long as the offsets do). Null without `dir`, or before `start()`.
   */
  logId(): string | null;
}

/** A publish would push a partition past what a durable group has not yet committed. */
export function busFullError(topic: string, partition: number, retention: number): UnavailableError {
  return new UnavailableError(
    `partition ${topic}/${partition} holds ${retention} messages not yet processed; retry later`,
    { details: { topic, partition, retention } },
  );
}

/**
 * The in-process bus of embedded mode, with Kafka's delivery semantics (see core's bus port): fixed
 * partitions, key hashing, consumer groups with rebalancing, committed offsets, at-least-once delivery.
 * With `dir` it is durable (disk/bus-log.ts); without, nothing survives the process.
 */
export function createMemoryBus(options: MemoryBusOptions): MemoryBus {
  const logger = options.logger.child({ module: 'memory-bus' });
  const now = options.now ?? Date.now;
  const retention = options.retention ?? DEFAULT_RETENTION;
  const maxBatchSize = options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE;
  /** Per topic, the durable groups that read it. */
  const pinnedBy = new Map<string, string[]>();
  for (const [groupId, names] of Object.entries(options.durableGroups ?? {}))
    for (const name of names) pinnedBy.set(name, [...(pinnedBy.get(name) ?? []), groupId]);
  if (!Number.isInteger(retention) || retention < 1)
    throw new ValidationError('retention must be an integer ≥ 1');
  if (!Number.isInteger(maxBatchSize) || maxBatchSize < 1)
    throw new ValidationError('maxBatchSize must be an integer ≥ 1');

  const topics = new Map<string, MemoryTopic>();
  const groups = new Map<string, MemoryGroup>();
  const consumers = new Set<BusConsumer>();
  const disk = options.dir ? new BusLog(options.dir) : null;
  let opened: Promise<void> | null = null;
  let logId: string | null = null;
  let stopped = false;
  let failure: unknown = null;

  const fatal = (err: unknown) => {
    if (failure) return;
    failure = err;
    logger.fatal({ err }, 'memory bus failed');
    options.onFatal?.(err);
  };

  const topicOf = (name: string): MemoryTopic => {
    const topic = topics.get(name);
    if (!topic) throw unknownTopicError(name);
    return topic;
  };
  const saveOffsets = () => {
    disk
      ?.saveOffsets(() =>
        // Only groups that committed: throw-away readers (the gateway's range reads) never do, and one
        // entry each would grow the file with every resume from the bus.
        Object.fromEntries(
          [...groups]
            .filter(([, group]) => group.committed.size > 0)
            .map(([id, group]) => [id, Object.fromEntries(group.committed)]),
        ),
      )
      .catch((err: unknown) => logger.warn({ err }, 'committed offsets not saved; a restart replays more'));
  };
  const groupOf = (id: string, committed?: Iterable<[string, number]>): MemoryGroup => {
    let group = groups.get(id);
    if (!group) {
      group = createMemoryGroup({
        id,
        partitionCount: (name) => topicOf(name).logs.length,
        committed,
        onCommit: saveOffsets,
      });
      groups.set(id, group);
    }
    return group;
  };
  const assertRunning = () => {
    if (stopped) throw new UnavailableError('the memory bus is stopped');
    // Unavailable (503 to a caller) but not retriable: the bus does not come back in this process, and a
    // retry loop against it would hold a graceful stop (the processor's drain) forever.
    if (failure)
      throw new VigilError(ERROR_CODES.unavailable, 'the memory bus failed; the process must restart', {
        cause: failure,
        retriable: false,
      });
  };

  /** Lowest offset some durable group still has to read (everything below may be dropped). */
  const pinned = (name: string, partition: number): number => {
    const low = topicOf(name).logs[partition]!.low;
    let lowest = Number.POSITIVE_INFINITY;
    for (const id of pinnedBy.get(name) ?? []) {
      lowest = Math.min(lowest, groups.get(id)?.committed.get(partitionKey(name, partition)) ?? low);
    }
    return lowest;
  };

  /** Drops what retention allows from a partition, in memory and on disk. */
  const trim = (name: string, partition: number) => {
    const log = topicOf(name).logs[partition]!;
    const target = Math.min(log.high - retention, pinned(name, partition));
    if (target <= log.low) return;
    log.trimTo(target);
    disk
      ?.trim(name, partition, log.low)
      .catch((err: unknown) => logger.warn({ err, topic: name, partition }, 'bus log segments not freed'));
  };

  const appendVisible = (topic: MemoryTopic, partition: number, messages: readonly LoggedMessage[]) => {
    const log = topic.logs[partition]!;
    for (const message of messages) log.append({ topic: topic.name, partition, ...message });
    trim(topic.name, partition);
  };

  const open = async () => {
    if (!disk) return;
    const replayed = await disk.open();
    logId = replayed.id;
    for (const [name, partitions] of replayed.topics) {
      const topic = createMemoryTopic(
        name,
        partitions.length,
        partitions.map((p) => p.base),
      );
      topics.set(name, topic);
      partitions.forEach((p, partition) => {
        for (const message of p.messages)
          topic.logs[partition]!.append({ topic: name, partition, ...message });
        topic.reserved[partition] = topic.logs[partition]!.high;
      });
    }
    for (const [id, committed] of Object.entries(replayed.offsets)) groupOf(id, Object.entries(committed));
    for (const [name, topic] of topics) for (let p = 0; p < topic.logs.length; p += 1) trim(name, p);
    logger.info({ dir: options.dir, topics: topics.size, groups: groups.size }, 'durable bus log replayed');
  };

  return {
    logId: () => logId,

    async start(specs) {
      assertRunning();
      opened ??= open();
      await opened;
      for (const { topic, partitions } of specs) {
        if (topics.has(topic)) continue;
        if (!Number.isInteger(partitions) || partitions < 1)
          throw new ValidationError(`topic "${topic}" needs an integer partition count ≥ 1`);
        await disk?.createTopic(topic, partitions);
        topics.set(topic, createMemoryTopic(topic, partitions));
        logger.info({ topic, partitions, retention }, 'topic created');
      }
    },

    async publish(name, messages) {
      assertRunning();
      const topic = topicOf(name);
      checkOutgoing(name, messages);
      if (messages.length === 0) return;
      const timestamp = now();
      const byPartition = new Map<number, LoggedMessage[]>();
      for (const message of messages) {
        const partition = message.partition ?? topic.route(message.key);
        if (partition >= topic.logs.length)
          throw new ValidationError(
            `topic "${name}" has ${topic.logs.length} partitions: there is no partition ${partition}`,
          );
        const list = byPartition.get(partition) ?? [];
        if (list.length === 0) byPartition.set(partition, list);
        list.push(toLogged(message, timestamp));
      }
      // All or nothing: a request is refused whole when any of its partitions is full.
      for (const [partition, list] of byPartition) {
        if (topic.reserved[partition]! + list.length - pinned(name, partition) > retention)
          throw busFullError(name, partition, retention);
      }
      for (const [partition, list] of byPartition) topic.reserved[partition]! += list.length;
      if (!disk) {
        for (const [partition, list] of byPartition) appendVisible(topic, partition, list);
        for (const wake of topic.listeners) wake();
        return;
      }
      const writes = [...byPartition].map(([partition, list]) =>
        disk.append(name, partition, list.map(encodeFrame), () => {
          appendVisible(topic, partition, list);
          for (const wake of topic.listeners) wake();
        }),
      );
      try {
        await Promise.all(writes);
      } catch (err) {
        // Offsets were handed out that will never be visible: the bus cannot go on consistently.
        fatal(err);
        throw new UnavailableError('the bus log could not be written', { cause: err });
      }
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
        retryBackoff: options.retryBackoff ?? REDELIVERY,
        onStop: () => consumers.delete(consumer),
        onFatal: fatal,
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
      if (stopped) return;
      stopped = true;
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      await opened?.catch(() => undefined); // a failed open has nothing to close
      await disk?.close();
    },
  };
}

function toLogged(message: OutgoingMessage, timestamp: number): LoggedMessage {
  const value =
    typeof message.value === 'string' ? Buffer.from(message.value, 'utf8') : Buffer.from(message.value);
  return {
    key: message.key,
    value,
    headers: message.headers ?? {},
    timestamp: message.timestamp ?? timestamp,
  };
}
