import {
  archiveOptionsOf,
  createArchive,
  createBus,
  createLogger,
  loadRules,
  type Running,
  retryTransient,
} from '@vigil/adapters';
import { topicNames, vigilTopics } from '@vigil/core';
import { commonVars, loadConfig, processorVars, validators } from '@vigil/core/config';
import { openDatabase, openStoreRuleSource } from '@vigil/db';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createMetricsServer } from './metrics/metrics-server.ts';
import { DEFAULT_STALL_AFTER_MS } from './pipeline/partition-health.ts';
import {
  createProcessorService,
  DEFAULT_GROUP_ID,
  type ProcessorServiceOptions,
} from './processor-service.ts';

const vars = {
  ...commonVars,
  ...processorVars,
  PROCESSOR_GROUP_ID: validators.str({
    default: DEFAULT_GROUP_ID,
    desc: 'consumer group shared by processors',
  }),
  EVENT_PARTITIONS: validators.num({ default: 6, desc: 'partitions per event topic when Vigil creates it' }),
  METRICS_HOST: validators.str({ default: '127.0.0.1', desc: 'bind address of /metrics and /health' }),
  METRICS_PORT: validators.port({ default: 9464, desc: 'port of /metrics and /health (0 picks one)' }),
  KAFKA_SESSION_TIMEOUT_MS: validators.num({
    default: 30_000,
    desc: 'how long the group waits for a silent processor before handing its partitions to others',
  }),
  PROCESSOR_STALL_AFTER_MS: validators.nonNegative({
    default: DEFAULT_STALL_AFTER_MS,
    desc: 'a partition whose batch is unfinished for longer than this is stalled: /health answers 503',
  }),
};

/** What a test-only entry may replace; the real main passes nothing. */
export type ProcessorOverrides = Pick<ProcessorServiceOptions, 'createEngine'>;

/**
 * The stand-alone processor (distributed mode), built from `env`: Kafka, PostgreSQL, the archive, the
 * processor service and its /metrics + /health server. `fail` is runMain's: a fatal processor error stops
 * everything and exits 1.
 */
export async function startProcessor(
  env: NodeJS.ProcessEnv,
  fail: (err: unknown) => void,
  overrides: ProcessorOverrides = {},
): Promise<Running> {
  const config = loadConfig(vars, env);
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'processor' });
  // The file (or the defaults) is validated at every start, though it only seeds an empty rules store.
  const seedRules = await loadRules(config.RULES_FILE);
  const bus = createBus({
    brokers: config.KAFKA_BROKERS,
    clientId: `${config.KAFKA_CLIENT_ID}-processor`,
    logger,
    kafka: {
      consumer: {
        sessionTimeout: config.KAFKA_SESSION_TIMEOUT_MS,
        // Kafka's rule of thumb: at most a third of the session, so one late heartbeat is not an eviction.
        heartbeatInterval: Math.min(3_000, Math.floor(config.KAFKA_SESSION_TIMEOUT_MS / 3)),
      },
    },
  });
  const archive = createArchive(archiveOptionsOf(config, logger));
  // Dependencies may still be booting (compose start order): wait for them with backoff.
  const wait = <T>(what: string, op: () => Promise<T>) => retryTransient(what, op, { logger });
  const database = await wait('database.open', () =>
    openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, logger }),
  );
  // What is in force in the rules store, each rule at its version (seeded on first start); later changes
  // through the API are put in force without a restart (subscribe below, README "Hot reload").
  const ruleSource = await wait('rules.seed', () =>
    openStoreRuleSource({
      store: database.rules,
      seed: seedRules,
      origin: config.RULES_FILE ?? 'built-in defaults',
      logger,
    }),
  );
  const rules = await wait('rules.load', () => ruleSource.load());
  await wait('bus.start', () => bus.start(vigilTopics(config.EVENT_PARTITIONS, config.TOPIC_PREFIX)));
  await wait('archive.start', () => archive.start());

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const { processor } = createProcessorService({
    bus,
    archive,
    store: database.store,
    rules,
    logger,
    registry,
    groupId: config.PROCESSOR_GROUP_ID,
    topics: topicNames(config.TOPIC_PREFIX),
    stallAfterMs: config.PROCESSOR_STALL_AFTER_MS,
    onFatal: fail,
    ...overrides,
  });
  // Joining the group fails retriably while a fresh broker's group coordinator is still loading.
  await wait('processor.start', () => processor.start());
  const unsubscribe = ruleSource.subscribe((next) => {
    logger.info({ rules: next.length }, 'rules changed in the store: reloading');
    processor.reload(next);
  });
  const server = createMetricsServer({
    registry,
    host: config.METRICS_HOST,
    port: config.METRICS_PORT,
    logger,
    health: async () => {
      await database.store.ping();
      await processor.healthProbe(); // a stalled partition or a fatal error: 503 with the reason
      return { processor: { ...processor.stats(), ...processor.health() } };
    },
  });
  const port = await server.start();
  logger.info(
    { metrics: `http://${config.METRICS_HOST}:${port}/metrics`, rules: rules.length },
    'processor running',
  );

  return {
    async stop() {
      logger.info('stopping');
      unsubscribe();
      await processor.stop();
      await server.stop();
      await bus.stop();
      await archive.stop();
      await database.close();
    },
  };
}
