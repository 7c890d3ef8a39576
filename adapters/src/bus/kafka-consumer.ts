import {
  abortableSleep,
  type Backoff,
  type BusConsumer,
  backoffDelay,
  type ConsumerOptions,
  ERROR_CODES,
  type OffsetCommit,
  VigilError,
} from '@vigil/core';
import type { Consumer, EachBatchPayload, Kafka, Offsets } from 'kafkajs';
import type { Logger } from 'pino';
import { checkOffset } from './bus-errors.ts';
import { toBusError } from './kafka-bus-error.ts';
import { toBusBatch } from './kafka-messages.ts';

/** Consumer-group timings; tests shorten them, production keeps the defaults. */
export interface KafkaConsumerTuning {
  /** Default 30 s (kafkajs): how long the broker waits for a silent member before rebalancing without it. */
  sessionTimeout?: number;
  /** Default 60 s (kafkajs): how long a rebalance waits for every member to rejoin. */
  rebalanceTimeout?: number;
  /** Default 3 s (kafkajs). */
  heartbeatInterval?: number;
  /** Default 1 s (kafkajs: 5 s): the long-poll on an idle partition; bounds how long stop() and run() wait. */
  maxWaitTimeInMs?: number;
}

const partitionKey = (topic: string, partition: number) => `${topic}:${partition}`;

function offsetsPayload(commits: OffsetCommit[]): Offsets {
  const topics = [...new Set(commits.map((c) => c.topic))];
  return {
    topics: topics.map((topic) => ({
      topic,
      partitions: commits
        .filter((c) => c.topic === topic)
        .map(({ partition, offset }) => ({ partition, offset })),
    })),
  };
}

export interface KafkaConsumerDeps {
  kafka: Kafka;
  options: ConsumerOptions;
  tuning: KafkaConsumerTuning;
  retryBackoff: Backoff;
  ensureTopic: (topic: string) => Promise<void>;
  logger: Logger;
  onStop: () => void;
}

/**
 * One consumer-group member. Handler errors never reach kafkajs: its retrier would give up after a few
 * attempts and, for an error marked non-retriable (a ValidationError, a TypeError), stop the consumer
 * for good. Instead a failed batch is logged, waited out with backoff (heartbeating), and the partition
 * is rewound to this member's last commit with seek, so the batch comes again, as the port promises,
 * for autoCommit on and off alike. kafkajs's own retry/restartOnFailure then only see Kafka failures
 * (broker down, coordinator moved): those restart the consumer with kafkajs's backoff; a crash kafkajs
 * will not restart from is logged as an error.
 */
export function createKafkaConsumer(deps: KafkaConsumerDeps): BusConsumer {
  const { kafka, options, tuning, retryBackoff, logger } = deps;
  const { groupId, topics, fromBeginning = false, autoCommit = true } = options;
  const consumer: Consumer = kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    sessionTimeout: tuning.sessionTimeout,
    rebalanceTimeout: tuning.rebalanceTimeout,
    heartbeatInterval: tuning.heartbeatInterval,
    maxWaitTimeInMs: tuning.maxWaitTimeInMs ?? 1_000,
    retry: { restartOnFailure: async () => true },
  });
  const abort = new AbortController();
  /** Partitions of the current generation, and where a failed batch rewinds to in each. */
  let assigned = new Set<string>();
  const committedHere = new Map<string, string>();
  const firstDelivered = new Map<string, string>();
  let commitDirect: EachBatchPayload['commitOffsetsIfNecessary'] | undefined;
  let failures = 0;
  let state: 'idle' | 'running' | 'stopping' | 'stopped' = 'idle';
  let stopping: Promise<void> | undefined;

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    assigned = new Set(
      Object.entries(payload.memberAssignment).flatMap(([topic, ps]) =>
        ps.map((p) => partitionKey(topic, p)),
      ),
    );
    // A new generation re-reads committed offsets from the broker; our notes about the old one are void.
    committedHere.clear();
    firstDelivered.clear();
    commitDirect = undefined; // after a kafkajs restart it would belong to the old group session
    logger.info({ partitions: assigned.size }, 'joined consumer group');
  });

  const eachBatch = (handler: Parameters<BusConsumer['run']>[0]) => async (payload: EachBatchPayload) => {
    const { batch, isRunning, isStale } = payload;
    commitDirect = payload.commitOffsetsIfNecessary;
    const last = batch.messages.at(-1);
    if (!last || !isRunning() || isStale()) return;
    const { topic, partition } = batch;
    const key = partitionKey(topic, partition);
    if (!firstDelivered.has(key)) firstDelivered.set(key, batch.messages[0]!.offset);
    try {
      await handler(toBusBatch(topic, partition, batch.messages));
    } catch (err) {
      failures += 1;
      const rewind = committedHere.get(key) ?? firstDelivered.get(key)!;
      const offset = batch.messages[0]!.offset;
      logger.error(
        { err, topic, partition, offset, rewind, attempt: failures },
        'batch handler failed; redelivering',
      );
      await abortableSleep(backoffDelay(failures, retryBackoff), abort.signal);
      if (!isRunning()) return; // stopping: the batch stays uncommitted and comes again after a restart
      await payload.heartbeat(); // a rebalance surfaces here; the new owner starts at the last commit
      if (!isStale()) consumer.seek({ topic, partition, offset: rewind }); // else a caller's seek wins
      return;
    }
    failures = 0;
    payload.resolveOffset(last.offset);
    if (autoCommit) {
      const next = (BigInt(last.offset) + 1n).toString();
      await payload.commitOffsetsIfNecessary(offsetsPayload([{ topic, partition, offset: next }]));
      committedHere.set(key, next);
    }
  };

  const finish = async () => {
    state = 'stopped';
    deps.onStop();
  };

  return {
    async run(handler) {
      if (state !== 'idle')
        throw new VigilError(ERROR_CODES.internal, 'a bus consumer runs once; create another');
      state = 'running';
      // Resolve only once the first fetch is done: kafkajs resolves a new group's start offsets
      // (fromBeginning false = the end) just before it, so anything published after run() is seen.
      let offEvents: (() => void)[] = [];
      const started = new Promise<unknown>((resolve) => {
        abort.signal.addEventListener('abort', () => resolve(undefined), { once: true });
        offEvents = [
          consumer.on(consumer.events.FETCH, () => resolve(undefined)),
          consumer.on(consumer.events.CRASH, ({ payload }) => resolve(payload.error)),
        ];
      });
      try {
        for (const topic of topics) await deps.ensureTopic(topic);
        await consumer.connect();
        await consumer.subscribe({ topics, fromBeginning });
        await consumer.run({ autoCommit, eachBatchAutoResolve: false, eachBatch: eachBatch(handler) });
        const crash = await started;
        if (crash) throw crash;
      } catch (err) {
        await consumer
          .disconnect()
          .catch((e: unknown) => logger.warn({ err: e }, 'disconnect after a failed start'));
        await finish();
        throw toBusError(err, 'Kafka consumer could not start', { groupId });
      } finally {
        for (const off of offEvents) off();
      }
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        const fields = { err: payload.error, restart: payload.restart };
        if (payload.restart) logger.warn(fields, 'Kafka consumer crashed; kafkajs restarts it');
        else logger.error(fields, 'Kafka consumer crashed and will not restart');
      });
    },

    seek(topic, partition, offset) {
      if (state !== 'running') throw new VigilError(ERROR_CODES.internal, 'seek() needs a running consumer');
      checkOffset(offset);
      try {
        consumer.seek({ topic, partition, offset });
      } catch (err) {
        throw toBusError(err, 'Kafka seek failed', { topic, partition, offset });
      }
      // kafkajs commits a seek in autoCommit mode; the rewind point follows it.
      if (autoCommit) committedHere.set(partitionKey(topic, partition), offset);
    },

    async commit(offsets) {
      if (state !== 'running' && state !== 'stopping')
        throw new VigilError(ERROR_CODES.internal, 'commit() needs a running consumer');
      for (const { offset } of offsets) checkOffset(offset);
      // The broker would accept a commit for a partition another member now owns; the port forbids it.
      const owned = offsets.filter((o) => assigned.has(partitionKey(o.topic, o.partition)));
      if (owned.length < offsets.length)
        logger.debug({ offsets }, 'commit for partitions not owned; ignored');
      if (owned.length === 0) return;
      try {
        // The batch payload's commit goes straight to the group (kafkajs's consumer.commitOffsets is
        // silently dropped while stopping, when the processor still commits its last batch).
        if (commitDirect) await commitDirect(offsetsPayload(owned));
        else await consumer.commitOffsets(owned);
      } catch (err) {
        throw toBusError(err, 'Kafka commit failed', { groupId });
      }
      for (const { topic, partition, offset } of owned)
        committedHere.set(partitionKey(topic, partition), offset);
    },

    stop() {
      stopping ??= (async () => {
        if (state !== 'running') return finish();
        state = 'stopping';
        abort.abort();
        try {
          // Waits for the batch in flight (and its commit), then leaves the group.
          await consumer.disconnect();
        } catch (err) {
          logger.warn({ err }, 'Kafka consumer disconnect failed');
        }
        await finish();
      })();
      return stopping;
    },
  };
}
