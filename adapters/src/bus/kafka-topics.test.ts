import { createRequire } from 'node:module';
import { UnavailableError } from '@vigil/core';
import kafkajs from 'kafkajs';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { setUpTopics, type TopicAdmin, type TopicRequest } from './kafka-topics.ts';

const { KafkaJSAggregateError, KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded } = kafkajs;
const logger = pino({ level: 'silent' });

// kafkajs's own table of broker error codes, so each case carries the `retriable` mark kafkajs gives it.
const { errorCodes, createErrorFromCode } = createRequire(import.meta.url)(
  'kafkajs/src/protocol/error.js',
) as {
  errorCodes: { type: string; code: number }[];
  createErrorFromCode(code: number): Error;
};
const brokerError = (type: string): Error => {
  const entry = errorCodes.find((e) => e.type === type);
  if (!entry) throw new Error(`kafkajs has no error ${type}`);
  return createErrorFromCode(entry.code);
};
/** What the create-topics response turns per-topic errors into. */
const createErrors = (...types: string[]) =>
  new KafkaJSAggregateError('Topic creation errors', types.map(brokerError));

/** A queued failure; on create it may first make some of the topics (a broker timing out half-way). */
type Step = Error | { made: string[]; error: Error };

/**
 * An admin over an in-memory cluster. Each method fails with the errors queued for it, in order, then
 * works; a created topic gets its leaders only after `leaderlessReads` metadata reads.
 */
function fakeAdmin(options: { existing?: string[]; leaderlessReads?: number } = {}) {
  const topics = new Map<string, number>((options.existing ?? []).map((t) => [t, 1]));
  const leaderless = new Map<string, number>();
  const queues = { listTopics: [] as Step[], createTopics: [] as Step[], fetchTopicMetadata: [] as Step[] };
  const calls = { listTopics: 0, createTopics: [] as string[][], fetchTopicMetadata: 0 };
  const next = (method: keyof typeof queues) => queues[method].shift();
  const fail = (step: Step | undefined) => {
    if (step instanceof Error) throw step;
    if (step) throw step.error;
  };
  const admin: TopicAdmin = {
    async listTopics() {
      calls.listTopics += 1;
      fail(next('listTopics'));
      return [...topics.keys()];
    },
    async createTopics({ topics: requested }) {
      calls.createTopics.push(requested.map((t) => t.topic));
      const step = next('createTopics');
      for (const t of requested) {
        if (step instanceof Error || (step && !step.made.includes(t.topic))) continue;
        topics.set(t.topic, t.numPartitions);
        leaderless.set(t.topic, options.leaderlessReads ?? 0);
      }
      fail(step);
      return true;
    },
    async fetchTopicMetadata({ topics: names }) {
      calls.fetchTopicMetadata += 1;
      fail(next('fetchTopicMetadata'));
      return {
        topics: names
          .filter((name) => topics.has(name))
          .map((name) => {
            const reads = leaderless.get(name) ?? 0;
            leaderless.set(name, reads - 1);
            const leader = reads > 0 ? -1 : 0;
            return {
              name,
              partitions: Array.from({ length: topics.get(name)! }, (_, partitionId) => ({
                partitionId,
                leader,
              })),
            };
          }),
      };
    },
  };
  return { admin, queues, calls, topics };
}

/** A clock that only moves when the setup waits, so deadlines are tested without sleeping. */
function fakeClock() {
  const clock = {
    t: 0,
    waits: [] as number[],
    now: () => clock.t,
    wait: async (ms: number) => {
      clock.waits.push(ms);
      clock.t += ms;
    },
  };
  return clock;
}

const request = (topic: string, numPartitions = 3): TopicRequest => ({
  topic,
  numPartitions,
  replicationFactor: 1,
});

function setUp(
  admin: TopicAdmin,
  topics: TopicRequest[],
  extra: { deadlineMs?: number; signal?: AbortSignal } = {},
) {
  const clock = fakeClock();
  const run = setUpTopics({
    admin,
    topics,
    logger,
    signal: extra.signal ?? new AbortController().signal,
    deadlineMs: extra.deadlineMs ?? 45_000,
    now: clock.now,
    wait: clock.wait,
  });
  return { run, clock };
}

describe('Kafka topic setup', () => {
  it('creates only the missing topics and resolves once every partition has a leader', async () => {
    const { admin, calls, topics } = fakeAdmin({ existing: ['old'], leaderlessReads: 2 });
    const { run, clock } = setUp(admin, [request('old'), request('a'), request('b', 4)]);
    await expect(run).resolves.toEqual(['a', 'b']);
    expect(calls.createTopics).toEqual([['a', 'b']]);
    expect(topics.get('b')).toBe(4);
    // Two metadata reads showed leader -1 (the broker still electing): waited twice, then done.
    expect(calls.fetchTopicMetadata).toBe(3);
    expect(clock.waits).toHaveLength(2);
  });

  it('creates nothing when every topic exists, and still checks their leaders', async () => {
    const { admin, calls } = fakeAdmin({ existing: ['a'] });
    await expect(setUp(admin, [request('a')]).run).resolves.toEqual([]);
    expect(calls.createTopics).toEqual([]);
    expect(calls.fetchTopicMetadata).toBe(1);
  });

  describe('retries what kafkajs marks retriable', () => {
    const connectionLost = new KafkaJSConnectionError('Connection error: read ECONNRESET');
    const retriable: [string, keyof ReturnType<typeof fakeAdmin>['queues'], Error][] = [
      [
        'UNKNOWN_TOPIC_OR_PARTITION on the metadata read (the CI failure)',
        'fetchTopicMetadata',
        brokerError('UNKNOWN_TOPIC_OR_PARTITION'),
      ],
      [
        'LEADER_NOT_AVAILABLE on the metadata read',
        'fetchTopicMetadata',
        brokerError('LEADER_NOT_AVAILABLE'),
      ],
      ['NOT_CONTROLLER on create', 'createTopics', brokerError('NOT_CONTROLLER')],
      ['REQUEST_TIMED_OUT on create', 'createTopics', brokerError('REQUEST_TIMED_OUT')],
      [
        'per-topic REQUEST_TIMED_OUT beside TOPIC_ALREADY_EXISTS',
        'createTopics',
        createErrors('REQUEST_TIMED_OUT', 'TOPIC_ALREADY_EXISTS'),
      ],
      ['a coordinator still loading on the first list', 'listTopics', brokerError('GROUP_LOAD_IN_PROGRESS')],
      ['a lost connection on the first list', 'listTopics', connectionLost],
      [
        "kafkajs's own retries exhausted on a lost connection",
        'listTopics',
        new KafkaJSNumberOfRetriesExceeded(connectionLost, { retryCount: 5, retryTime: 1_000 }),
      ],
    ];
    it.each(retriable)('%s', async (_, method, error) => {
      const { admin, queues, calls } = fakeAdmin();
      queues[method].push(error, error);
      const { run, clock } = setUp(admin, [request('a')]);
      await expect(run).resolves.toEqual(['a']);
      expect(clock.waits).toHaveLength(2);
      expect(calls.createTopics.flat().filter((t) => t === 'a').length).toBeGreaterThanOrEqual(1);
    });
  });

  describe('fails at once on what retrying cannot fix', () => {
    const permanent: [string, Error][] = [
      ['INVALID_TOPIC_EXCEPTION', createErrors('INVALID_TOPIC_EXCEPTION')],
      ['TOPIC_AUTHORIZATION_FAILED', brokerError('TOPIC_AUTHORIZATION_FAILED')],
      [
        'INVALID_REPLICATION_FACTOR beside a retriable one',
        createErrors('INVALID_REPLICATION_FACTOR', 'REQUEST_TIMED_OUT'),
      ],
      ['a bug (TypeError)', new TypeError('x is not a function')],
    ];
    it.each(permanent)('%s', async (_, error) => {
      const { admin, queues, calls } = fakeAdmin();
      queues.createTopics.push(error);
      const { run, clock } = setUp(admin, [request('a')]);
      await expect(run).rejects.toBe(error);
      expect(calls.createTopics).toHaveLength(1);
      expect(clock.waits).toEqual([]);
    });
  });

  it('after a create that failed half-way, creates only the rest and waits for every partition', async () => {
    const { admin, queues, calls, topics } = fakeAdmin({ leaderlessReads: 1 });
    queues.createTopics.push({ made: ['a'], error: createErrors('REQUEST_TIMED_OUT') });
    await expect(setUp(admin, [request('a'), request('b')]).run).resolves.toEqual(['a', 'b']);
    expect(calls.createTopics).toEqual([['a', 'b'], ['b']]);
    expect(topics.get('a')).toBe(3);
  });

  it('gives up with an UnavailableError, cause attached, once the next wait would pass the deadline', async () => {
    const { admin, queues } = fakeAdmin();
    const timeout = brokerError('UNKNOWN_TOPIC_OR_PARTITION');
    queues.fetchTopicMetadata.push(...Array.from({ length: 1_000 }, () => timeout));
    const { run, clock } = setUp(admin, [request('a')], { deadlineMs: 10_000 });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as UnavailableError).retriable).toBe(true);
    expect((error as UnavailableError).cause).toBe(timeout);
    expect((error as UnavailableError).message).toMatch(/Kafka topics not ready after \d+ tries/);
    expect(clock.t).toBeLessThanOrEqual(10_000);
    // Backoff doubles from 100 ms to its 2 s cap: about a dozen tries in 10 s, not one and not hundreds.
    expect(clock.waits.length).toBeGreaterThan(5);
    expect(clock.waits.length).toBeLessThan(20);
    expect(Math.max(...clock.waits)).toBeLessThanOrEqual(2_400);
  });

  it('stops retrying when the bus stops', async () => {
    const { admin, queues } = fakeAdmin();
    const stopping = new AbortController();
    queues.listTopics.push(brokerError('REQUEST_TIMED_OUT'));
    stopping.abort();
    const error = await setUp(admin, [request('a')], { signal: stopping.signal }).run.catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/stopped/);
  });
});
