/** Shared set-up of the processor's integration tests: real Kafka, PostgreSQL and S3 from the harness. */
import { gunzipSync } from 'node:zlib';
import { createKafkaBus, createMemoryBus, createS3Archive } from '@vigil/adapters';
import { type Alert, type Bus, type BusMessage, type TopicNames, topicNames, vigilTopics } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { openDatabase } from '@vigil/db';
import {
  createTestBucket,
  createTestDatabase,
  type ServiceEndpoints,
  uniqueName,
  waitFor,
} from '@vigil/harness';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createProcessorService } from '../processor-service.ts';

export const silent = pino({ level: 'silent' });

/** Group timings short enough that a hand-over after a crash takes seconds, not the 30 s default. */
export const TEST_CONSUMER = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 6_000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
};

export interface ProcessorWorld {
  prefix: string;
  topics: TopicNames;
  brokers: string[];
  databaseUrl: string;
  bucket: string;
  s3: NonNullable<ServiceEndpoints['s3']>;
  /** Environment for a processor child process pointed at this world (Kafka worlds only). */
  env: Record<string, string>;
  bus: Bus;
  archive: ReturnType<typeof createS3Archive>;
  database: Awaited<ReturnType<typeof openDatabase>>;
  close(): Promise<void>;
}

/**
 * Fresh topics, database and bucket on the harness's services. `bus: 'memory'` puts the in-process bus of
 * embedded mode in Kafka's place (PostgreSQL and S3 stay real), for tests that must hold on both buses.
 */
export async function createProcessorWorld(
  endpoints: ServiceEndpoints,
  partitions = 2,
  options: { bus?: 'kafka' | 'memory' } = {},
): Promise<ProcessorWorld> {
  const kafka = endpoints.kafka ?? { brokers: [] };
  const s3 = endpoints.s3!;
  const prefix = `${uniqueName('p')}.`;
  const topics = topicNames(prefix);
  const testDb = await createTestDatabase(endpoints.postgres!.url);
  const bucket = await createTestBucket(s3);
  const bus =
    options.bus === 'memory'
      ? createMemoryBus({ logger: silent })
      : createKafkaBus({
          brokers: kafka.brokers,
          clientId: 'processor-test',
          logger: silent,
          consumer: TEST_CONSUMER,
        });
  await bus.start(vigilTopics(partitions, prefix));
  const archive = createS3Archive({
    bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    logger: silent,
  });
  await archive.start();
  const database = await openDatabase({ url: testDb.url, logger: silent });
  return {
    prefix,
    topics,
    brokers: kafka.brokers,
    databaseUrl: testDb.url,
    bucket,
    s3,
    env: {
      KAFKA_BROKERS: kafka.brokers.join(','),
      DATABASE_URL: testDb.url,
      S3_BUCKET: bucket,
      S3_ENDPOINT: s3.endpoint,
      S3_REGION: s3.region,
      AWS_ACCESS_KEY_ID: s3.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      TOPIC_PREFIX: prefix,
      // Its own group: worlds of tests running at once must not share one (a member subscribed to other
      // topics would be handed these topics' partitions and never read them).
      PROCESSOR_GROUP_ID: `${prefix}processor`,
      EVENT_PARTITIONS: String(partitions),
      METRICS_PORT: '0',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
    },
    bus,
    archive,
    database,
    async close() {
      await bus.stop();
      await archive.stop();
      await database.close();
      await testDb.drop();
    },
  };
}

/** Every line of every raw archive object, parsed. */
export async function archivedEvents(world: ProcessorWorld): Promise<Record<string, unknown>[]> {
  const keys = await world.archive.list('raw/');
  const objects = await Promise.all(keys.map((key) => world.archive.get(key)));
  return objects.flatMap((body) =>
    body
      ? gunzipSync(body)
          .toString('utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as Record<string, unknown>)
      : [],
  );
}

/** All alerts stored, oldest first (walks every page). */
export async function storedAlerts(world: ProcessorWorld): Promise<Alert[]> {
  const all: Alert[] = [];
  let cursor: string | undefined;
  do {
    const page = await world.database.store.queryAlerts({ limit: 500, cursor });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all.reverse();
}

/** Reads a topic from the beginning until `count` messages arrived (or the timeout). */
export async function readTopic(world: ProcessorWorld, topic: string, count: number, timeoutMs = 30_000) {
  const received: BusMessage[] = [];
  const consumer = world.bus.consumer({
    groupId: uniqueName('reader'),
    topics: [topic],
    fromBeginning: true,
  });
  await consumer.run(async (batch) => {
    received.push(...batch.messages);
  });
  try {
    await waitFor(() => received.length >= count, { timeoutMs, message: `${count} messages on ${topic}` });
  } finally {
    await consumer.stop();
  }
  return received;
}

/**
 * A processor over the world's adapters with the default rules, started. A fatal failure is pushed to
 * `fatal` when given (for the test to assert on), else thrown.
 */
export async function startInProcess(world: ProcessorWorld, group: string, fatal?: unknown[]) {
  const { processor } = createProcessorService({
    bus: world.bus,
    archive: world.archive,
    store: world.database.store,
    rules: defaultRules(),
    logger: silent,
    registry: new Registry(),
    topics: world.topics,
    groupId: `${world.prefix}${group}`,
    onFatal: (err) => {
      if (!fatal) throw err;
      fatal.push(err);
    },
  });
  await processor.start();
  return processor;
}
