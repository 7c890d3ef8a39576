import { createKafkaBus, createS3Archive } from '@vigil/adapters';
import { type Alert, type OutgoingMessage, topicNames, vigilTopics } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { openDatabase } from '@vigil/db';
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
import { afterAll, beforeAll, expect, it } from 'vitest';

// GET /api/alerts/{id}/events over what a distributed deployment runs: a real processor archiving to the
// S3-compatible server, alerts in PostgreSQL, Kafka between them, and the gateway's router reading the same
// bucket. The processor's archive age limit is long, so the alerts are stored while their events are still
// in its archiver's buffer; its stop flushes them.

const silent = pino({ level: 'silent' });
const ARCHIVE_HOLD = { maxEvents: 20_000, maxBytes: 8 * 1024 * 1024, maxAgeMs: 600_000 };

interface EventsAnswer {
  items: {
    source: string;
    topic: string;
    partition: number;
    offset: string | null;
    event: { id?: string };
  }[];
  pending: { topic: string; partition: number; offset: string }[];
  truncated: boolean;
}

describeWith(['kafka', 'postgres', 's3'])('alert evidence from the S3 archive a real processor wrote', () => {
  const endpoints = services();
  const s3 = endpoints.s3!;
  const prefix = `${uniqueName('ev')}.`;
  const topics = topicNames(prefix);
  const bus = createKafkaBus({
    brokers: endpoints.kafka!.brokers,
    clientId: 'evidence-test',
    logger: silent,
    consumer: {
      sessionTimeout: 6_000,
      rebalanceTimeout: 6_000,
      heartbeatInterval: 300,
      maxWaitTimeInMs: 100,
    },
  });
  const s3Archive = (bucket: string, endpoint = s3.endpoint) =>
    createS3Archive({
      bucket,
      region: s3.region,
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      logger: silent,
    });
  let closeAll: () => Promise<void> = async () => {};
  let router: HttpRouter;
  let downRouter: HttpRouter;
  let processor: ReturnType<typeof createProcessorService>['processor'];
  let store: Awaited<ReturnType<typeof openDatabase>>['store'];

  const ask = async (r: HttpRouter, id: string) => {
    const response = await r({
      method: 'GET',
      path: `/api/alerts/${id}/events`,
      query: new URLSearchParams(),
      headers: adminHeaders({ host: '127.0.0.1:8080' }),
      body: Buffer.alloc(0),
      remoteAddress: '127.0.0.1',
    });
    return {
      status: response.status,
      body: JSON.parse(Buffer.from(response.body).toString()) as EventsAnswer,
    };
  };

  beforeAll(async () => {
    const testDb = await createTestDatabase(endpoints.postgres!.url);
    const bucket = await createTestBucket(s3);
    await bus.start(vigilTopics(2, prefix));
    const archive = s3Archive(bucket);
    await archive.start();
    const database = await openDatabase({ url: testDb.url, logger: silent });
    store = database.store;
    ({ processor } = createProcessorService({
      bus,
      archive,
      store: database.store,
      rules: defaultRules(),
      logger: silent,
      registry: new Registry(),
      topics,
      groupId: `${prefix}processor`,
      archiveLimits: ARCHIVE_HOLD,
      onFatal: (err) => {
        throw err;
      },
    }));
    await processor.start();
    const { auth } = await configureAuth({
      config: { ...DEFAULT_AUTH_CONFIG, RATE_LIMITS: false, VIGIL_ADMIN_TOKEN: TEST_ADMIN_TOKEN },
      database,
      logger: silent,
      shared: false,
    });
    const routerWith = (reader: typeof archive) =>
      createHttpRouter({
        store: database.store,
        bus,
        alertsTopic: topics.alerts,
        rules: defaultRules(),
        health: {},
        registry: new Registry(),
        logger: silent,
        now: Date.now,
        topicOf: (source) => topics.events[source],
        auth,
        archive: reader,
      });
    router = routerWith(archive);
    // Nothing listens on port 1: every read is refused, as during an S3 outage.
    downRouter = routerWith(s3Archive(bucket, 'http://127.0.0.1:1'));
    closeAll = async () => {
      await processor.stop();
      await bus.stop();
      await archive.stop();
      await database.close();
      await testDb.drop();
    };
  }, 120_000);
  afterAll(() => closeAll(), 60_000);

  it('answers pending while the events are in the archiver’s buffer, then the raw events once archived', async () => {
    const ts = new Date().toISOString();
    const userId = uniqueName('u');
    const failures = Array.from({ length: 5 }, (_, i) => ({
      id: `${userId}-f${i}`,
      ts,
      ip: '10.9.8.7',
      action: 'login_failure',
      userId,
    }));
    const intrusion = { id: `${userId}-x`, ts, ip: '10.9.8.7', action: 'unauthorized_access', userId };
    const message = (value: object | string): OutgoingMessage => ({
      key: userId, // one partition for all of them
      value: typeof value === 'string' ? value : JSON.stringify(value),
    });
    // A dead-lettered event between the failures: the archive object has a gap where it was.
    await bus.publish(topics.events.security, [
      ...failures.slice(0, 2).map(message),
      message('{"not": "an event"}'),
      ...failures.slice(2).map(message),
      message(intrusion),
    ]);
    const alertOf = async (ruleId: string, test: (alert: Alert) => boolean): Promise<Alert> => {
      let found: Alert | undefined;
      await waitFor(
        async () => {
          found = (await store.queryAlerts({ ruleId: [ruleId], limit: 50 })).items.find(test);
          return found !== undefined;
        },
        { timeoutMs: 60_000, message: `a ${ruleId} alert` },
      );
      return found!;
    };
    const spree = await alertOf('security.login-failures', (a) => a.key === `userId=${userId}`);
    const access = await alertOf('security.unauthorized-access', (a) =>
      Boolean(a.evidence?.eventIds.includes(intrusion.id)),
    );

    const early = await ask(router, spree.id);
    expect(early.status).toBe(200);
    expect(early.body.items).toEqual([]);
    expect(early.body.pending).toEqual(spree.evidence?.refs);

    await processor.stop(); // flushes the archiver: every event is in the bucket now

    const late = await ask(router, spree.id);
    expect(late.body.pending).toEqual([]);
    expect(late.body.items.map((i) => i.event)).toEqual(failures);
    expect(late.body.items.map(({ topic, partition, offset }) => ({ topic, partition, offset }))).toEqual(
      spree.evidence?.refs,
    );
    expect(new Set(late.body.items.map((i) => i.source))).toEqual(new Set(['security']));

    const one = await ask(router, access.id);
    expect(one.body.items.map((i) => i.event)).toEqual([intrusion]);
    expect(one.body.items[0]?.offset).toBe(access.evidence?.refs[0]?.offset);
  }, 120_000);

  it('answers 503 while the archive is unreachable', async () => {
    const page = await store.queryAlerts({ limit: 1 });
    const id = page.items[0]?.id ?? 'none';
    const { status } = await ask(downRouter, id);
    expect(status).toBe(503);
  });
});
