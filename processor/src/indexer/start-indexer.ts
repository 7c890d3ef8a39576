import { createBus, createLogger, type Running, retryTransient } from '@vigil/adapters';
import { topicNames, vigilTopics } from '@vigil/core';
import { commonVars, loadConfig, processorVars, validators } from '@vigil/core/config';
import { openDatabase } from '@vigil/db';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createMetricsServer } from '../metrics/metrics-server.ts';
import { createEventIndexer, INDEXER_GROUP_ID } from './event-indexer.ts';

const HOUR_MS = 3_600_000;

const vars = {
  ...commonVars,
  EVENT_RETENTION_HOURS: processorVars.EVENT_RETENTION_HOURS,
  INDEXER_GROUP_ID: validators.str({ default: INDEXER_GROUP_ID, desc: 'consumer group shared by indexers' }),
  INDEXER_WRITERS: validators.num({
    default: 2,
    choices: [1, 2, 3, 4, 5, 6, 7, 8], // each holds one of the pool's 10 connections while it writes
    desc: 'group members in this indexer, each writing its own partitions on its own connection',
  }),
  EVENT_PARTITIONS: validators.num({ default: 6, desc: 'partitions per event topic when Vigil creates it' }),
  METRICS_HOST: validators.str({ default: '127.0.0.1', desc: 'bind address of /metrics and /health' }),
  METRICS_PORT: validators.port({ default: 9465, desc: 'port of /metrics and /health (0 picks one)' }),
};

/**
 * The stand-alone event indexer (distributed mode, `npm run indexer`): Kafka → the explorer's event store in
 * PostgreSQL, in its own consumer group, so it may lag or stop without touching the alert path.
 */
export async function startIndexer(env: NodeJS.ProcessEnv): Promise<Running> {
  const config = loadConfig(vars, env);
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'indexer' });
  const bus = createBus({
    brokers: config.KAFKA_BROKERS,
    clientId: `${config.KAFKA_CLIENT_ID}-indexer`,
    logger,
  });
  const wait = <T>(what: string, op: () => Promise<T>) => retryTransient(what, op, { logger });
  const database = await wait('database.open', () =>
    openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, logger }),
  );
  await wait('bus.start', () => bus.start(vigilTopics(config.EVENT_PARTITIONS, config.TOPIC_PREFIX)));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const indexer = createEventIndexer({
    bus,
    store: database.events,
    topics: Object.values(topicNames(config.TOPIC_PREFIX).events),
    retentionMs: config.EVENT_RETENTION_HOURS * HOUR_MS,
    groupId: config.INDEXER_GROUP_ID,
    writers: config.INDEXER_WRITERS,
    logger,
    registry,
  });
  await wait('indexer.start', () => indexer.start());
  const server = createMetricsServer({
    registry,
    host: config.METRICS_HOST,
    port: config.METRICS_PORT,
    logger,
    health: async () => {
      await database.store.ping();
      return { indexer: indexer.stats() };
    },
  });
  await server.start();
  return {
    async stop() {
      await indexer.stop();
      await server.stop();
      await bus.stop();
      await database.close();
    },
  };
}
