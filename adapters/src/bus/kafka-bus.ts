import {
  ADMIN_READ,
  type Backoff,
  type Bus,
  type BusConsumer,
  type OutgoingMessage,
  REDELIVERY,
  retry,
  UnavailableError,
  ValidationError,
} from '@vigil/core';
// Every kafkajs import of Vigil lives in this file and the other kafka-*.ts files: kafkajs is
// unmaintained upstream, and a swap to another client should touch nothing else.
// kafkajs is CommonJS and spreads its error classes into module.exports, which Node's ESM named-export
// detection cannot see: values come from the default export (module.exports), types by name.
import kafkajs from 'kafkajs';
import type { Logger } from 'pino';
import { checkOutgoing, unknownTopicError } from './bus-errors.ts';
import { toBusError } from './kafka-bus-error.ts';
// Side effect: stops kafkajs 2.2.4's idle 1 ms timer loop before any connection exists.
import './kafkajs-idle-timer.ts';
import { createKafkaConsumer, type KafkaConsumerTuning } from './kafka-consumer.ts';
import { kafkaLogLevel, pinoLogCreator } from './kafka-log-bridge.ts';
import { toProducedMessage } from './kafka-messages.ts';
import { isRetriableKafkaError } from './kafka-retriable.ts';
import { setUpTopics } from './kafka-topics.ts';

const { Kafka: KafkaClient, Partitioners } = kafkajs;

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

/**
 * The Kafka bus (distributed mode) through kafkajs 2.2.4: an idempotent producer, the admin client for
 * topics and offsets, and consumer-group members (kafka-consumer.ts) it creates and stops. Semantics:
 * core's bus port.
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
