import { createKafkaBus, createS3Archive } from '@vigil/adapters';
import { type Alert, type OutgoingMessage, topicNames, vigilTopics } from '@vigil/core';
import { type BacktestResult, defaultRules } from '@vigil/core/rules';
import { type Database, openDatabase } from '@vigil/db';
import { configureAuth, createHttpRouter, DEFAULT_AUTH_CONFIG, type HttpRouter } from '@vigil/gateway';
import {
  adminHeaders,
  createTestBucket,
  createTestDatabase,
  describeWith,
  services,
  TEST_ADMIN_TOKEN,
  uniqueName,
  waitFor,
} from '@vigil/harness';
import { createProcessorService } from '@vigil/processor';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// POST /api/rules/backtest over what a distributed deployment runs: a real processor reads a scenario from
// Kafka, archives it to the S3-compatible server and stores its alerts in PostgreSQL; the gateway's router
// replays the bucket through the rule engine and compares with what the processor stored.

const silent = pino({ level: 'silent' });
const SECOND = 1_000;
const MINUTE = 60_000;

describeWith(['kafka', 'postgres', 's3'])('backtests over the S3 archive a real processor wrote', () => {
  const endpoints = services();
  const s3 = endpoints.s3!;
  const prefix = `${uniqueName('bt')}.`;
  const topics = topicNames(prefix);
  const bus = createKafkaBus({
    brokers: endpoints.kafka!.brokers,
    clientId: 'backtest-test',
    logger: silent,
    consumer: {
      sessionTimeout: 6_000,
      rebalanceTimeout: 6_000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 100,
    },
  });
  let closeAll: () => Promise<void> = async () => {};
  let router: HttpRouter;
  let database: Database;
  // Event time of the scenario: in the past (the engine refuses events a minute ahead of the clock), one hour.
  const T0 = Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000 + 5 * MINUTE;
  const range = { from: new Date(T0 - MINUTE).toISOString(), to: new Date(T0 + 20 * MINUTE).toISOString() };
  const busy = uniqueName('busy');
  const quiet = uniqueName('quiet');

  const backtest = async (rule: unknown): Promise<BacktestResult> => {
    const response = await router({
      method: 'POST',
      path: '/api/rules/backtest',
      query: new URLSearchParams(),
      headers: adminHeaders({ host: '127.0.0.1:8080', 'content-type': 'application/json' }),
      body: Buffer.from(JSON.stringify({ rule, ...range })),
      remoteAddress: '127.0.0.1',
    });
    const body = JSON.parse(Buffer.from(response.body).toString()) as BacktestResult;
    expect(response.status, JSON.stringify(body)).toBe(200);
    return body;
  };
  const stored = async (ruleId: string): Promise<Alert[]> =>
    (await database.store.queryAlerts({ ruleId: [ruleId], limit: 500 })).items;
  const ruleOf = async (id: string) => (await database.rules.get(id))!.rule;
  const ids = (alerts: readonly Alert[]) => alerts.map((a) => a.id).sort();

  beforeAll(async () => {
    const testDb = await createTestDatabase(endpoints.postgres!.url);
    const bucket = await createTestBucket(s3);
    await bus.start(vigilTopics(2, prefix));
    const archive = createS3Archive({
      bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      logger: silent,
    });
    await archive.start();
    database = await openDatabase({ url: testDb.url, logger: silent });
    await database.rules.seed(defaultRules());
    const { processor } = createProcessorService({
      bus,
      archive,
      store: database.store,
      rules: await database.rules.loadInForce(),
      logger: silent,
      registry: new Registry(),
      topics,
      groupId: `${prefix}processor`,
      onFatal: (err) => {
        throw err;
      },
    });
    await processor.start();
    const { auth } = await configureAuth({
      config: { ...DEFAULT_AUTH_CONFIG, RATE_LIMITS: false, VIGIL_ADMIN_TOKEN: TEST_ADMIN_TOKEN },
      database,
      logger: silent,
      shared: false,
    });
    router = createHttpRouter({
      store: database.store,
      bus,
      alertsTopic: topics.alerts,
      rules: [],
      ruleStore: database.rules,
      health: {},
      registry: new Registry(),
      logger: silent,
      now: Date.now,
      topicOf: (source) => topics.events[source],
      auth,
      archive,
    });

    // 25 errors of one service in 50 s (error-spike fires at the 20th), 12 of another (it does not), three
    // "failed" messages of the first (one episode) and one of the second.
    const log = (service: string, at: number, message = 'boom') => ({
      id: `${service}-${at}`,
      ts: new Date(T0 + at).toISOString(),
      service,
      level: 'ERROR',
      message,
    });
    const events = [
      ...Array.from({ length: 25 }, (_, i) =>
        log(busy, i * 2 * SECOND, i % 10 === 3 ? 'charge failed' : 'boom'),
      ),
      ...Array.from({ length: 12 }, (_, i) =>
        log(quiet, i * 3 * SECOND + SECOND, i === 5 ? 'failed' : 'boom'),
      ),
    ].sort((a, b) => a.ts.localeCompare(b.ts));
    const message = (event: { service: string }): OutgoingMessage => ({
      key: event.service,
      value: JSON.stringify(event),
    });
    await bus.publish(topics.events.logs, events.map(message));
    await waitFor(
      async () =>
        (await stored('logs.error-spike')).length === 1 && (await stored('logs.failed-message')).length === 2,
      {
        timeoutMs: 60_000,
        message: 'the live alerts',
      },
    );
    await processor.stop(); // flushes the archiver: every event is in the bucket now
    closeAll = async () => {
      await bus.stop();
      await archive.stop();
      await database.close();
      await testDb.drop();
    };
  }, 180_000);
  afterAll(() => closeAll(), 60_000);

  describe('the rule in force', () => {
    it('a count rule: exactly the episode the live engine raised, same id and window', async () => {
      const live = await stored('logs.error-spike');
      const result = await backtest(await ruleOf('logs.error-spike'));
      expect(result.stopped).toBeNull();
      expect(result.replay.events).toBe(37);
      expect(ids(result.wouldRaise.items)).toEqual(ids(live));
      expect(result.wouldRaise.items[0]).toMatchObject({
        key: live[0]!.key,
        windowStart: live[0]!.windowStart,
        windowEnd: live[0]!.windowEnd,
        value: live[0]!.value,
      });
      expect(result.raised).toMatchObject({ count: 1, ruleVersion: 1 });
      expect(result.diff.added.count + result.diff.removed.count).toBe(0);
      expect(result.diff.unchanged.count).toBe(1);
      // Not a benchmark (bench/README.md, "Backtest"): what one small replay from S3 took.
      console.info(`backtest from S3: ${result.replay.events} events in ${result.replay.durationMs} ms`);
    });

    it('a per-event rule: the same episodes, folded as the store folded them', async () => {
      const live = await stored('logs.failed-message');
      const result = await backtest(await ruleOf('logs.failed-message'));
      expect(ids(result.wouldRaise.items)).toEqual(ids(live));
      const occurrences = (alerts: readonly Alert[]) => alerts.map((a) => [a.id, a.occurrences]).sort();
      expect(occurrences(result.wouldRaise.items)).toEqual(occurrences(live));
      expect(result.diff).toMatchObject({
        added: { count: 0 },
        removed: { count: 0 },
        unchanged: { count: 2 },
      });
    });
  });

  describe('a changed threshold', () => {
    it('lowered to 10: the quiet service’s episode is added, the busy one’s unchanged', async () => {
      const result = await backtest({ ...(await ruleOf('logs.error-spike')), threshold: 10 });
      expect(result.diff.added.items.map((a) => a.key)).toEqual([`service=${quiet}`]);
      expect(result.diff.unchanged.items.map((a) => a.key)).toEqual([`service=${busy}`]);
      expect(result.diff.removed.count).toBe(0);
    });

    it('raised to 30: the busy service’s episode is removed, nothing added', async () => {
      const result = await backtest({ ...(await ruleOf('logs.error-spike')), threshold: 30 });
      expect(result.wouldRaise.count).toBe(0);
      expect(result.diff.removed.items.map((a) => a.key)).toEqual([`service=${busy}`]);
      expect(result.diff.added.count).toBe(0);
    });
  });
});
