import { createKafkaBus } from '@vigil/adapters';
import { type Alert, topicNames, vigilTopics } from '@vigil/core';
import { type Database, openDatabase } from '@vigil/db';
import {
  createTestBucket,
  createTestDatabase,
  describeWith,
  services,
  TEST_ADMIN_TOKEN,
  type TestDatabase,
  uniqueName,
  waitFor,
} from '@vigil/harness';
import { tailFile } from '@vigil/harness/programs';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type Cluster, startCluster } from './cluster.ts';
import { type AlertClient, connectAlertClient, duplicates } from './testing/alert-client.ts';
import {
  createTransactionFeed,
  storedLargeAmountAlerts,
  triggeringEvent,
} from './testing/large-transactions.ts';

const silent = pino({ level: 'silent' });
const PARTITIONS = 4;
/** Per wait: four tsx processes, Kafka and PostgreSQL share two busy cores. */
const WAIT_MS = 120_000;
/** Per test: a few such waits in the worst case; a healthy run takes seconds per test. */
const TEST_MS = 300_000;

const endpoints = services();

describeWith(['kafka', 'postgres', 's3'])('a cluster of two processors and two gateways', () => {
  const run = uniqueName('cluster');
  const topics = topicNames(`${run}.`);
  let testDb: TestDatabase;
  let cluster: Cluster;
  let database: Database;
  const bus = createKafkaBus({
    brokers: endpoints.kafka?.brokers ?? [],
    clientId: 'cluster-test',
    logger: silent,
  });
  /** Connected before the first event: between them they must see every alert of the run. */
  let watchers: AlertClient[] = [];

  /** What each component is doing and the end of its log: a failed wait says why. */
  const describeCluster = (): string =>
    cluster
      .components()
      .map((c) => `--- ${c.name} (${c.state()}) ${c.logFile}\n${tailFile(c.logFile, 12)}`)
      .join('\n');

  const waitLong = async <T>(predicate: () => T | Promise<T>, what: string): Promise<NonNullable<T>> => {
    try {
      return await waitFor(predicate, { timeoutMs: WAIT_MS, intervalMs: 250, message: what });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${describeCluster()}`, { cause: error });
    }
  };

  /** Waits until every event has its alert in PostgreSQL; returns event id → alert. */
  const storedFor = (eventIds: readonly string[], what: string): Promise<Map<string, Alert>> =>
    waitLong(async () => {
      const byEvent = new Map(
        (await storedLargeAmountAlerts(database.store)).map((a) => [triggeringEvent(a)!, a]),
      );
      return eventIds.every((id) => byEvent.has(id)) ? byEvent : null;
    }, `${eventIds.length} alerts of ${what} stored`);

  const idsOf = (byEvent: Map<string, Alert>, eventIds: readonly string[]): string[] =>
    eventIds.map((id) => byEvent.get(id)!.id);

  const eventsConsumed = async (metricsUrl: string): Promise<number> => {
    const text = await (await fetch(metricsUrl)).text();
    return text
      .split('\n')
      .filter((line) => line.startsWith('vigil_processor_events_total'))
      .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
  };

  beforeAll(async () => {
    const { kafka, postgres, s3 } = endpoints;
    testDb = await createTestDatabase(postgres!.url, 'cluster');
    cluster = await startCluster({
      services: { kafka: kafka!, postgres: { url: testDb.url }, s3: s3! },
      bucket: await createTestBucket(s3!, 'cluster'),
      topicPrefix: `${run}.`,
      partitions: PARTITIONS,
      sessionTimeoutMs: 6_000,
      logLevel: 'info',
      adminToken: TEST_ADMIN_TOKEN,
    });
    // The processors created the topics already; this leaves them as they are.
    await bus.start(vigilTopics(PARTITIONS, `${run}.`));
    database = await openDatabase({ url: testDb.url, logger: silent });
    watchers = await Promise.all(cluster.gateways.map((g) => connectAlertClient(g.url)));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(watchers.map((w) => w.close()));
    await cluster?.stop();
    await bus.stop();
    await database?.close();
    await testDb?.drop();
  }, 120_000);

  it(
    'stores every alert exactly once while processor 1 stops mid-stream and comes back',
    async () => {
      const feed = createTransactionFeed({ bus, topic: topics.events.transactions, run: `${run}-a` });
      feed.startStream(3, 100);
      try {
        await waitLong(
          async () => (await storedLargeAmountAlerts(database.store)).length >= 20,
          'first alerts stored',
        );
        await cluster.stopProcessor(0);
        expect(cluster.processors[0]!.pid).toBeNull();

        // Everything published from here on can only be processed by processor 2.
        const downFrom = feed.sent.length;
        await waitLong(() => feed.sent.length >= downFrom + 60, '60 events published with processor 1 down');
        const whileDown = feed.sent.slice(downFrom);
        const byEvent = await storedFor(feed.sent.slice(), 'the events published so far');
        const partitions = new Set(whileDown.map((id) => byEvent.get(id)!.evidence?.refs[0]?.partition));
        // Processor 2 took over processor 1's partitions: it alone raised alerts on every partition.
        expect([...partitions].sort((x, y) => x! - y!)).toEqual([...Array(PARTITIONS).keys()]);

        await cluster.startProcessor(0);
        // Back in the group: the rebalance hands it partitions again, and it consumes from them.
        await waitLong(
          async () => (await eventsConsumed(cluster.processors[0]!.metricsUrl)) > 0,
          'restarted processor 1 consuming',
        );
      } finally {
        await feed.stopStream();
      }

      const byEvent = await storedFor(feed.sent, 'the whole stream');
      const stored = (await storedLargeAmountAlerts(database.store)).filter((a) =>
        triggeringEvent(a)?.startsWith(`${run}-a-`),
      );
      expect(stored).toHaveLength(feed.sent.length);
      expect(duplicates(stored.map((a) => a.id))).toEqual([]);
      expect(new Set(stored.map((a) => a.id))).toEqual(new Set(idsOf(byEvent, feed.sent)));
    },
    TEST_MS,
  );

  it(
    'pushes every alert to a client on each gateway, each id exactly once',
    async () => {
      const feed = createTransactionFeed({ bus, topic: topics.events.transactions, run: `${run}-b` });
      await storedFor(await feed.publish(20), 'a batch');
      // Every alert of the run so far, including the ones a takeover may have published twice.
      const all = (await storedLargeAmountAlerts(database.store)).map((a) => a.id);
      for (const [i, watcher] of watchers.entries()) {
        await waitLong(
          () => all.every((id) => watcher.ids().includes(id)),
          `gateway ${i + 1}'s client has all`,
        );
        expect(watcher.problems()).toEqual([]);
        expect(duplicates(watcher.ids())).toEqual([]);
        expect(new Set(watcher.ids())).toEqual(new Set(all));
      }
    },
    TEST_MS,
  );

  it(
    'resumes a client on gateway 2 from its gateway-1 cursor with no gap and no duplicate',
    async () => {
      const feed = createTransactionFeed({ bus, topic: topics.events.transactions, run: `${run}-c` });
      const mover = await connectAlertClient(cluster.gateways[0]!.url);
      const seen = await feed.publish(10);
      const seenIds = idsOf(await storedFor(seen, 'the seen batch'), seen);
      await waitLong(() => seenIds.every((id) => mover.ids().includes(id)), 'the client saw its batch');
      const cursor = mover.lastCursor();
      await mover.close();

      const missed = await feed.publish(10);
      const missedIds = idsOf(await storedFor(missed, 'the missed batch'), missed);
      // On gateway 2 already, so the resume has to replay them rather than catch them live.
      await waitLong(
        () => missedIds.every((id) => watchers[1]!.ids().includes(id)),
        'gateway 2 has the missed',
      );
      const resumed = await connectAlertClient(cluster.gateways[1]!.url, { since: cursor });
      const live = await feed.publish(10);
      const liveIds = idsOf(await storedFor(live, 'the live batch'), live);
      const expected = [...missedIds, ...liveIds];
      await waitLong(() => expected.every((id) => resumed.ids().includes(id)), 'the resumed client has all');

      expect(resumed.problems()).toEqual([]);
      expect(duplicates(resumed.ids())).toEqual([]);
      expect([...resumed.ids()].sort()).toEqual([...expected].sort());
      await resumed.close();
      for (const watcher of watchers) expect(duplicates(watcher.ids())).toEqual([]);
    },
    TEST_MS,
  );
});
