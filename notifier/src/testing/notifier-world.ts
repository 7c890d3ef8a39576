/** Shared set-up of the notifier's integration tests: real Kafka and PostgreSQL from the harness. */
import { createKafkaBus } from '@vigil/adapters';
import { type Alert, type Bus, type TopicNames, topicNames, vigilTopics } from '@vigil/core';
import type { RouteInput } from '@vigil/core/notifications';
import { openDatabase } from '@vigil/db';
import { createNotificationStore, type NotificationStore } from '@vigil/db/notifications';
import { createTestDatabase, type ServiceEndpoints, uniqueName } from '@vigil/harness';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createNotifierService, type NotifierService } from '../notifier-service.ts';

export const silent = pino({ level: 'silent' });
export const PUBLIC_URL = 'http://vigil.test';
/** Group timings short enough that a hand-over after a crash takes seconds. */
const TEST_CONSUMER = {
  sessionTimeout: 6_000,
  rebalanceTimeout: 6_000,
  heartbeatInterval: 300,
  maxWaitTimeInMs: 100,
};
/** Loops look for others' work this often in tests (the default is 1 s). */
const TEST_POLL_MS = 100;
/** A dead notifier's leases expire after this in tests (the default is a minute). */
export const TEST_LEASE_MS = 3_000;

export interface NotifierWorld {
  prefix: string;
  topics: TopicNames;
  bus: Bus;
  store: NotificationStore;
  /** Environment for a notifier child process (npm run notifier) pointed at this world. */
  env: Record<string, string>;
  /** Starts a notifier in this process, on a bus of its own (as a separate process would have). */
  startNotifier(instanceId: string): Promise<NotifierService & { registry: Registry }>;
  publish(alerts: Alert[]): Promise<void>;
  policy(...routes: RouteInput[]): Promise<void>;
  /**
   * A webhook channel to `url` and the policy's only route: a fresh rule's alerts to it, one message per alert
   * (grouped by key, no group wait). Returns the channel's id and the rule's id to raise alerts with.
   */
  routeEachAlert(url: string): Promise<{ channelId: string; ruleId: string }>;
  close(): Promise<void>;
}

export async function createNotifierWorld(endpoints: ServiceEndpoints): Promise<NotifierWorld> {
  const brokers = endpoints.kafka!.brokers;
  const prefix = `${uniqueName('n')}.`;
  const topics = topicNames(prefix);
  const testDb = await createTestDatabase(endpoints.postgres!.url, 'notifier');
  const bus = createKafkaBus({ brokers, clientId: 'notifier-test', logger: silent, consumer: TEST_CONSUMER });
  await bus.start(vigilTopics(1, prefix));
  const database = await openDatabase({ url: testDb.url, logger: silent });
  const store = createNotificationStore({ db: database.db, target: database.target });
  const groupId = `${prefix}notifier`;
  const running: { service: NotifierService; bus: Bus }[] = [];
  return {
    prefix,
    topics,
    bus,
    store,
    env: {
      KAFKA_BROKERS: brokers.join(','),
      DATABASE_URL: testDb.url,
      TOPIC_PREFIX: prefix,
      NOTIFIER_GROUP_ID: groupId,
      NOTIFIER_FROM_BEGINNING: 'true',
      NOTIFIER_LEASE_MS: String(TEST_LEASE_MS),
      NOTIFIER_SEND_TIMEOUT_MS: '2000',
      NOTIFIER_POLL_MS: String(TEST_POLL_MS),
      EVENT_PARTITIONS: '1',
      VIGIL_PUBLIC_URL: PUBLIC_URL,
      METRICS_PORT: '0',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
    },
    async startNotifier(instanceId) {
      const own = createKafkaBus({
        brokers,
        clientId: `notifier-${instanceId}`,
        logger: silent,
        consumer: TEST_CONSUMER,
      });
      await own.start(vigilTopics(1, prefix));
      const registry = new Registry();
      const service = createNotifierService({
        bus: own,
        store,
        alertsTopic: topics.alerts,
        logger: silent,
        registry,
        publicUrl: PUBLIC_URL,
        groupId,
        fromBeginning: true,
        instanceId,
        leaseMs: TEST_LEASE_MS,
        sendTimeoutMs: 2_000,
        pollMs: TEST_POLL_MS,
        onFatal: (err) => {
          throw err;
        },
      });
      await service.start();
      running.push({ service, bus: own });
      return Object.assign(service, { registry });
    },
    publish: (alerts) =>
      bus.publish(
        topics.alerts,
        alerts.map((a) => ({ key: null, value: JSON.stringify(a) })),
      ),
    async policy(...routes) {
      await store.putPolicy({ routes }, 'test');
    },
    async routeEachAlert(url) {
      const channel = await store.createChannel(
        { name: uniqueName('hook'), type: 'webhook', config: { url } },
        'test',
      );
      const ruleId = uniqueName('rule');
      await store.putPolicy(
        {
          routes: [
            { matchers: { ruleId: [ruleId] }, channels: [channel.id], groupWaitMs: 0, groupBy: ['key'] },
          ],
        },
        'test',
      );
      return { channelId: channel.id, ruleId };
    },
    async close() {
      for (const { service, bus: own } of running) {
        await service.stop();
        await own.stop();
      }
      await bus.stop();
      await database.close();
      await testDb.drop();
    },
  };
}
