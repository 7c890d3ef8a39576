import { type Backoff, retry, TOPIC_SETUP, UnavailableError } from '@vigil/core';
import type { Logger } from 'pino';
import { isRetriableKafkaError, TopicsNotReadyError } from './kafka-retriable.ts';

export interface TopicRequest {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
}

/** The admin calls topic setup makes; kafkajs's Admin has them, unit tests pass a fake. */
export interface TopicAdmin {
  listTopics(): Promise<string[]>;
  createTopics(request: { waitForLeaders: boolean; topics: TopicRequest[] }): Promise<boolean>;
  fetchTopicMetadata(request: {
    topics: string[];
  }): Promise<{ topics: { name: string; partitions: { partitionId: number; leader: number }[] }[] }>;
}

export interface TopicSetupOptions {
  admin: TopicAdmin;
  topics: readonly TopicRequest[];
  logger: Logger;
  /** Aborted when the bus stops: a setup waiting out a backoff gives up at once. */
  signal: AbortSignal;
  /** Default TOPIC_SETUP's (45 s, its reason in core's policies.ts). */
  deadlineMs?: number;
  backoff?: Backoff;
  now?: () => number;
  wait?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Throws TopicsNotReadyError unless metadata shows every topic with a leader for each of its partitions. */
async function checkLeaders(admin: TopicAdmin, wanted: ReadonlyMap<string, number>): Promise<void> {
  const { topics } = await admin.fetchTopicMetadata({ topics: [...wanted.keys()] });
  const byName = new Map(topics.map((t) => [t.name, t.partitions]));
  const waiting = [...wanted].filter(([name, partitions]) => {
    const found = byName.get(name) ?? [];
    // A topic just created can show up in metadata with only some partitions, or with leader -1.
    return found.length < partitions || found.some((p) => p.leader < 0);
  });
  if (waiting.length > 0) throw new TopicsNotReadyError(waiting.map(([name]) => name));
}

/**
 * Creates the topics that do not exist yet, then resolves once metadata shows a leader for every
 * partition of every requested topic, so a publish right after start() finds them. Retriable
 * failures (kafkajs's mark, see isRetriableKafkaError) are retried with backoff until the deadline,
 * then reported as an UnavailableError; any other failure is thrown as is at once. Each try lists the
 * topics again, so a topic created by a try that failed half-way, or by another process, is skipped.
 * Resolves with the names this call created.
 */
export async function setUpTopics(options: TopicSetupOptions): Promise<string[]> {
  const { admin, topics, logger, signal } = options;
  const policy = {
    ...(options.backoff ?? TOPIC_SETUP),
    deadlineMs: options.deadlineMs ?? TOPIC_SETUP.deadlineMs,
  };
  const now = options.now ?? Date.now;
  const names = topics.map((t) => t.topic);
  const created = new Set<string>();
  const started = now();
  let tries = 0;
  const setUpOnce = async (attempt: number): Promise<string[]> => {
    tries = attempt;
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) {
      // Noted before the call: a create that fails half-way may still have made some of them.
      for (const t of missing) created.add(t.topic);
      // false: every one existed by the time the broker looked (another process won the race).
      if (!(await admin.createTopics({ waitForLeaders: false, topics: missing })))
        for (const t of missing) created.delete(t.topic);
    }
    // Existing topics need a leader for each partition they have; created ones, for each requested.
    await checkLeaders(
      admin,
      new Map(topics.map((t) => [t.topic, created.has(t.topic) ? t.numPartitions : 1])),
    );
    return [...created];
  };
  try {
    return await retry(setUpOnce, {
      policy,
      retryIf: isRetriableKafkaError,
      signal,
      now,
      sleep: options.wait,
      onRetry: (err, attempt, delayMs) =>
        logger.warn({ err, attempt, delayMs, topics: names }, 'Kafka topic setup failed; retrying'),
    });
  } catch (err) {
    // Aborted before a try (err is the signal's reason) or while one was waiting to be retried.
    if (err === signal.reason || (signal.aborted && isRetriableKafkaError(err)))
      throw new UnavailableError('the Kafka bus is stopped', { cause: err });
    if (!isRetriableKafkaError(err)) throw err;
    const elapsedMs = now() - started;
    throw new UnavailableError(
      `Kafka topics not ready after ${tries} tries in ${elapsedMs} ms: ${(err as Error).message}`,
      { cause: err, details: { topics: names, attempts: tries, deadlineMs: policy.deadlineMs } },
    );
  }
}
