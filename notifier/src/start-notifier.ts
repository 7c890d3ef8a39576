import { createBus, createLogger, createMetricsServer, type Running, retryTransient } from '@vigil/adapters';
import { topicNames, vigilTopics } from '@vigil/core';
import { ConfigError, commonVars, loadConfig, validators } from '@vigil/core/config';
import { openDatabase } from '@vigil/db';
import { createNotificationStore } from '@vigil/db/notifications';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { DEFAULT_MIN_INTERVALS } from './delivery/rate-limiter.ts';
import { createNotifierService, DEFAULT_NOTIFIER_GROUP_ID, NOTIFIER_DEFAULTS } from './notifier-service.ts';

const intervals = (raw: string) => {
  const out: Record<string, number> = {};
  for (const item of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^(webhook|slack|discord|email|pagerduty)=(\d+)$/.exec(item);
    if (!match) throw new Error(`expected type=ms items (slack=1000,discord=500), got "${item}"`);
    out[match[1]!] = Number(match[2]);
  }
  return out;
};

export const notifierVars = {
  ...commonVars,
  NOTIFIER_GROUP_ID: validators.str({
    default: DEFAULT_NOTIFIER_GROUP_ID,
    desc: 'consumer group shared by notifiers',
  }),
  NOTIFIER_FROM_BEGINNING: validators.bool({
    default: false,
    desc: 'a new consumer group starts at the oldest alert on the topic (true) or at new alerts only (false)',
  }),
  NOTIFIER_INSTANCE_ID: validators.str({
    default: undefined,
    desc: 'names this notifier in leases and attempts (default host-pid-random)',
  }),
  NOTIFIER_LEASE_MS: validators.num({
    default: NOTIFIER_DEFAULTS.leaseMs,
    desc: 'how long a claimed notification is this notifier’s; after a crash others take it then',
  }),
  NOTIFIER_SEND_TIMEOUT_MS: validators.num({
    default: NOTIFIER_DEFAULTS.sendTimeoutMs,
    desc: 'longest wait for a receiver’s answer (must be below NOTIFIER_LEASE_MS)',
  }),
  NOTIFIER_CONCURRENCY: validators.num({
    default: NOTIFIER_DEFAULTS.concurrency,
    desc: 'sends in flight per notifier',
  }),
  NOTIFIER_POLL_MS: validators.num({
    default: NOTIFIER_DEFAULTS.pollMs,
    desc: 'how often idle loops look for work other notifiers wrote',
  }),
  NOTIFIER_GIVE_UP_AFTER_MS: validators.num({
    default: NOTIFIER_DEFAULTS.giveUpAfterMs,
    desc: 'a notification still failing retriably this long after it was written is failed',
  }),
  NOTIFIER_MIN_INTERVAL_MS: validators.str({
    default: Object.entries(DEFAULT_MIN_INTERVALS)
      .map(([type, ms]) => `${type}=${ms}`)
      .join(','),
    desc: 'least ms between two messages to one channel, by type (type=ms,…)',
  }),
  VIGIL_PUBLIC_URL: validators.url({
    default: 'http://127.0.0.1:8080',
    desc: 'the dashboard’s URL, for links in messages',
  }),
  EVENT_PARTITIONS: validators.num({ default: 6, desc: 'partitions per event topic when Vigil creates it' }),
  METRICS_HOST: validators.str({ default: '127.0.0.1', desc: 'bind address of /metrics and /health' }),
  METRICS_PORT: validators.port({ default: 9465, desc: 'port of /metrics and /health (0 picks one)' }),
  KAFKA_SESSION_TIMEOUT_MS: validators.num({
    default: 30_000,
    desc: 'how long the group waits for a silent notifier before handing its partitions to others',
  }),
};

/**
 * The stand-alone notifier (distributed mode), built from `env`: Kafka, PostgreSQL, the notifier service
 * and its /metrics + /health server. `fail` is runMain's: a fatal error stops everything and exits 1.
 */
export async function startNotifier(env: NodeJS.ProcessEnv, fail: (err: unknown) => void): Promise<Running> {
  const config = loadConfig(notifierVars, env);
  const minIntervals = (() => {
    try {
      return intervals(config.NOTIFIER_MIN_INTERVAL_MS);
    } catch (err) {
      throw new ConfigError([
        `NOTIFIER_MIN_INTERVAL_MS="${config.NOTIFIER_MIN_INTERVAL_MS}": ${(err as Error).message}`,
      ]);
    }
  })();
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'notifier' });
  const bus = createBus({
    brokers: config.KAFKA_BROKERS,
    clientId: `${config.KAFKA_CLIENT_ID}-notifier`,
    logger,
    kafka: {
      consumer: {
        sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
        heartbeatInterval: Math.min(3_000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 3)),
      },
    },
  });
  const wait = <T>(what: string, op: () => Promise<T>) => retryTransient(what, op, { logger });
  const database = await wait('database.open', () =>
    openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, logger }),
  );
  await wait('bus.start', () => bus.start(vigilTopics(config.EVENT_PARTITIONS, config.TOPIC_PREFIX)));
  const store = createNotificationStore({ db: database.db, target: database.target });

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const notifier = createNotifierService({
    bus,
    store,
    alertsTopic: topicNames(config.TOPIC_PREFIX).alerts,
    logger,
    registry,
    publicUrl: config.VIGIL_PUBLIC_URL,
    groupId: config.NOTIFIER_GROUP_ID,
    fromBeginning: config.NOTIFIER_FROM_BEGINNING,
    instanceId: config.NOTIFIER_INSTANCE_ID,
    leaseMs: config.NOTIFIER_LEASE_MS,
    sendTimeoutMs: config.NOTIFIER_SEND_TIMEOUT_MS,
    concurrency: config.NOTIFIER_CONCURRENCY,
    pollMs: config.NOTIFIER_POLL_MS,
    giveUpAfterMs: config.NOTIFIER_GIVE_UP_AFTER_MS,
    minIntervals,
    onFatal: fail,
  });
  await wait('notifier.start', () => notifier.start());
  const server = createMetricsServer({
    registry,
    host: config.METRICS_HOST,
    port: config.METRICS_PORT,
    logger,
    // A failing receiver is not the notifier's ill health: it is listed, and /health stays 200.
    health: async () => {
      await database.store.ping();
      const failing = (await store.channelHealth()).filter((c) => c.failing);
      return {
        notifier: {
          owner: notifier.owner,
          failingChannels: failing.map((c) => ({ id: c.channelId, name: c.name, lastError: c.lastError })),
        },
      };
    },
  });
  const port = await server.start();
  logger.info(
    { metrics: `http://${config.METRICS_HOST}:${port}/metrics`, owner: notifier.owner },
    'notifier running',
  );
  return {
    async stop() {
      logger.info('stopping');
      await notifier.stop();
      await server.stop();
      await bus.stop();
      await database.close();
    },
  };
}
