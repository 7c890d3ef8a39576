import {
  ADMIN_READ,
  abortableSleep,
  type Backoff,
  type Bus,
  type BusConsumer,
  backoffDelay,
  type ConsumerOptions,
  ERROR_CODES,
  type OffsetCommit,
  type OutgoingMessage,
  REDELIVERY,
  retry,
  UnavailableError,
  ValidationError,
  VigilError,
} from '@vigil/core';
// Every kafkajs import of Vigil lives in this file and the other kafka-*.ts files: kafkajs is
// unmaintained upstream, and a swap to another client should touch nothing else.
// kafkajs is CommonJS and spreads its error classes into module.exports, which Node's ESM named-export
// detection cannot see: values come from the default export (module.exports), types by name.
import kafkajs, { type Consumer, type EachBatchPayload, type Kafka, type Offsets } from 'kafkajs';
import type { Logger } from 'pino';
import { checkOffset, checkOutgoing, unknownTopicError } from './bus-errors.ts';
import { kafkaLogLevel, pinoLogCreator } from './kafka-log-bridge.ts';
import { toBusBatch, toProducedMessage } from './kafka-messages.ts';
import { isRetriableKafkaError } from './kafka-retriable.ts';
import { setUpTopics } from './kafka-topics.ts';

const { Kafka: KafkaClient, KafkaJSError, Partitioners } = kafkajs;

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

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  /** Partition count for topics this bus creates, overriding each TopicSpec's (existing topics keep theirs). */
  partitions?: number;
  /** Replicas of each created topic; 1 suits a single broker, use 3 on a production cluster. */
  replicationFactor?: number;
  consumer?: KafkaConsumerTuning;
  /** Wait before redelivering a batch whose handler threw (default core's REDELIVERY). */
  retryBackoff?: Backoff;
  /** publish() rejects after this long (default 30 s); the idempotent producer keeps retrying behind it. */
  publishTimeoutMs?: number;
  /** TCP connect timeout per broker (default 3 s). */
  connectionTimeoutMs?: number;
  /** kafkajs's retries of a failed request or connection before it gives up (default 5). */
  connectRetries?: number;
  /** start() retries topic creation and its metadata read this long (default core's TOPIC_SETUP, 45 s). */
  topicSetupDeadlineMs?: number;
}

/** kafkajs failures are outages or broker refusals: retriable, with the kafkajs error as the cause. */
function toBusError(err: unknown, message: string, details?: Record<string, unknown>): unknown {
  // The broker refusing a request for good (message too large, not authorized) is no outage: retrying
  // the same request cannot help. Everything else from kafkajs (connections, timeouts, retries exhausted
  // while a broker is down) is.
  if (err instanceof KafkaJSError && err.name === 'KafkaJSProtocolError' && !err.retriable)
    return new VigilError(ERROR_CODES.internal, `${message}: ${err.message}`, { cause: err, details });
  if (err instanceof KafkaJSError)
    return new UnavailableError(`${message}: ${err.message}`, { cause: err, details });
  return err;
}

/**
 * Bytes of messages sent in one produce request. The broker refuses a record batch over message.max.bytes
 * (1 MiB by default), so large publishes go out as several requests, in order.
 */
const MAX_REQUEST_BYTES = 512 * 1024;

function* requestChunks(messages: readonly OutgoingMessage[]): Generator<OutgoingMessage[]> {
  let chunk: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const size =
      (typeof message.value === 'string' ? Buffer.byteLength(message.value) : message.value.byteLength) + 64;
    if (chunk.length > 0 && bytes + size > MAX_REQUEST_BYTES) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(message);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
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

/**
 * The Kafka bus (distributed mode) through kafkajs 2.2.4: an idempotent producer, consumer groups
 * reading with eachBatch, and the admin client for topics and offsets. Semantics: core's bus port.
 */
export function createKafkaBus(options: KafkaBusOptions): Bus {
  const logger = options.logger.child({ module: 'kafka-bus' });
  const kafka = new KafkaClient({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    ...(options.connectRetries === undefined ? {} : { retry: { retries: options.connectRetries } }),
    logLevel: kafkaLogLevel(options.logger),
    logCreator: pinoLogCreator(options.logger),
  });
  const admin = kafka.admin();
  // Idempotent: a retried send is written once, in order. That needs acks from all in-sync replicas
  // (acks -1 below) and one request in flight per connection; kafkajs then retries without limit
  // (maxRetryTime caps each wait), which is why publish() has its own timeout.
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // Without limit even when connectRetries is set: a send given up mid-way could leave the broker
    // holding sequence numbers the next send reuses, and that send would be dropped as a duplicate.
    retry: { retries: Number.MAX_SAFE_INTEGER },
    allowAutoTopicCreation: false,
    // Explicit, which also silences kafkajs's v2 partitioner warning: murmur2, as the Java client.
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const publishTimeoutMs = options.publishTimeoutMs ?? 30_000;
  const knownTopics = new Set<string>();
  const consumers = new Set<BusConsumer>();
  let connecting: Promise<void> | undefined;
  let stopped = false;
  /** Ends a start() that is waiting out a topic-setup backoff, and admin reads waiting out theirs. */
  const stopping = new AbortController();
  /** Admin reads kafkajs does not retry itself (see ADMIN_READ). */
  const readAdmin = <T>(read: () => Promise<T>): Promise<T> =>
    retry(read, { policy: ADMIN_READ, retryIf: isRetriableKafkaError, signal: stopping.signal });

  const connect = (): Promise<void> => {
    if (stopped) return Promise.reject(new UnavailableError('the Kafka bus is stopped'));
    connecting ??= (async () => {
      await admin.connect();
      await producer.connect();
    })().catch((err: unknown) => {
      connecting = undefined; // the next call tries again
      throw toBusError(err, 'could not connect to Kafka', { brokers: options.brokers });
    });
    return connecting;
  };

  const ensureTopic = async (topic: string): Promise<void> => {
    if (knownTopics.has(topic)) return;
    await connect();
    const topics = await readAdmin(() => admin.listTopics()).catch((err: unknown) => {
      throw toBusError(err, 'could not list Kafka topics');
    });
    for (const name of topics) knownTopics.add(name);
    if (!knownTopics.has(topic)) throw unknownTopicError(topic);
  };

  return {
    async start(specs) {
      for (const { topic, partitions } of specs) {
        if (!Number.isInteger(partitions) || partitions < 1)
          throw new ValidationError(`topic "${topic}" needs an integer partition count ≥ 1`);
      }
      await connect();
      try {
        const created = await setUpTopics({
          admin,
          topics: specs.map(({ topic, partitions }) => ({
            topic,
            numPartitions: options.partitions ?? partitions,
            replicationFactor: options.replicationFactor ?? 1,
          })),
          logger,
          signal: stopping.signal,
          deadlineMs: options.topicSetupDeadlineMs,
        });
        if (created.length > 0) logger.info({ topics: created }, 'topics created');
        for (const { topic } of specs) knownTopics.add(topic);
      } catch (err) {
        throw toBusError(err, 'could not create Kafka topics', { topics: specs.map((s) => s.topic) });
      }
    },

    async publish(topic, messages) {
      if (stopped) throw new UnavailableError('the Kafka bus is stopped');
      checkOutgoing(topic, messages);
      if (messages.length === 0) return;
      await ensureTopic(topic);
      const sending = (async () => {
        for (const chunk of requestChunks(messages)) {
          await producer.send({ topic, acks: -1, messages: chunk.map(toProducedMessage) });
        }
      })();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          // Not an empty catch: once the caller has its timeout, a late failure is only worth a log line.
          sending.catch((err: unknown) =>
            logger.warn({ err, topic }, 'publish failed after its caller timed out'),
          );
          reject(
            new UnavailableError(
              `publish to ${topic} timed out after ${publishTimeoutMs} ms; it may still land`,
              {
                details: { topic, count: messages.length },
              },
            ),
          );
        }, publishTimeoutMs);
      });
      try {
        await Promise.race([sending, timeout]);
      } catch (err) {
        throw toBusError(err, `could not publish to ${topic}`, { topic, count: messages.length });
      } finally {
        clearTimeout(timer);
      }
    },

    consumer(consumerOptions) {
      if (stopped) throw new UnavailableError('the Kafka bus is stopped');
      const created: BusConsumer = createKafkaConsumer({
        kafka,
        options: consumerOptions,
        tuning: options.consumer ?? {},
        retryBackoff: options.retryBackoff ?? REDELIVERY,
        ensureTopic,
        logger: logger.child({ groupId: consumerOptions.groupId }),
        onStop: () => consumers.delete(created),
      });
      consumers.add(created);
      return created;
    },

    async topicOffsets(topic) {
      await ensureTopic(topic);
      try {
        const offsets = await readAdmin(() => admin.fetchTopicOffsets(topic));
        return offsets
          .map(({ partition, low, high }) => ({ partition, low, high }))
          .sort((a, b) => a.partition - b.partition);
      } catch (err) {
        throw toBusError(err, `could not read the offsets of ${topic}`, { topic });
      }
    },

    async committedOffsets(groupId, topic) {
      await ensureTopic(topic);
      try {
        const [entry] = await readAdmin(() => admin.fetchOffsets({ groupId, topics: [topic] }));
        return (entry?.partitions ?? [])
          .map(({ partition, offset }) => ({ partition, offset: offset === '-1' ? null : offset }))
          .sort((a, b) => a.partition - b.partition);
      } catch (err) {
        throw toBusError(err, `could not read the offsets of group ${groupId}`, { groupId, topic });
      }
    },

    async stop() {
      stopped = true;
      stopping.abort();
      await Promise.all([...consumers].map((consumer) => consumer.stop()));
      if (!connecting) return;
      const results = await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      for (const result of results) {
        if (result.status === 'rejected') logger.warn({ err: result.reason }, 'Kafka disconnect failed');
      }
    },
  };
}

interface KafkaConsumerDeps {
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
function createKafkaConsumer(deps: KafkaConsumerDeps): BusConsumer {
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
