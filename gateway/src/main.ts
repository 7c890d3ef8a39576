/** Composition root of a stand-alone gateway: `npm run gateway` (distributed mode). */
import {
  archiveOptionsOf,
  createArchive,
  createBus,
  createLogger,
  loadRules,
  retryTransient,
  runMain,
} from '@vigil/adapters';
import { partitionKey, topicNames, vigilTopics } from '@vigil/core';
import { authVars, commonVars, gatewayVars, loadConfig, validators } from '@vigil/core/config';
import { openDatabase, openStoreRuleSource } from '@vigil/db';
import { createNotificationStore } from '@vigil/db/notifications';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { signInUrl } from './auth/bootstrap.ts';
import { configureAuth } from './auth/configure-auth.ts';
import { signInBanner } from './auth/sign-in-banner.ts';
import { createGatewayService } from './gateway-service.ts';
import { createGatewayNotifications } from './notifications/gateway-notifications.ts';

const vars = {
  ...commonVars,
  ...gatewayVars,
  ...authVars,
  RULES_FILE: validators.str({
    default: undefined,
    desc: 'rules that seed the rules store on first start (the processors seed from the same file)',
  }),
  EVENT_PARTITIONS: validators.num({ default: 6, desc: 'partitions per event topic when Vigil creates it' }),
  STATIC_DIR: validators.str({ default: undefined, desc: 'built dashboard to serve; default ui/build' }),
  VIGIL_PUBLIC_URL: validators.str({
    default: undefined,
    desc: 'the dashboard’s URL, for the link in a channel test message; default http://HOST:PORT',
  }),
};

runMain('gateway', async () => {
  const config = loadConfig(vars, process.env);
  const logger = createLogger({ level: config.LOG_LEVEL, name: 'gateway' });
  const rules = await loadRules(config.RULES_FILE);
  const bus = createBus({
    brokers: config.KAFKA_BROKERS,
    clientId: `${config.KAFKA_CLIENT_ID}-gateway`,
    logger,
  });
  // Dependencies may still be booting (compose start order): wait for them with backoff.
  const wait = <T>(what: string, op: () => Promise<T>) => retryTransient(what, op, { logger });
  await wait('bus.start', () => bus.start(vigilTopics(config.EVENT_PARTITIONS, config.TOPIC_PREFIX)));
  const database = await wait('database.open', () =>
    openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR, logger }),
  );
  // The rules store behind /api/rules: seeded on first start by whichever runnable starts first.
  await wait('rules.seed', () =>
    openStoreRuleSource({
      store: database.rules,
      seed: rules,
      origin: config.RULES_FILE ?? 'built-in defaults',
      logger,
    }),
  );
  // Several gateways share one PostgreSQL: their rate limits are counted there, together.
  const { auth, signInSecret } = await configureAuth({
    config,
    database,
    logger,
    shared: config.DATABASE_URL !== undefined,
  });
  // The processor's archive, read for alert evidence. Not started (probed) here: the gateway serves alerts
  // without it, and GET /api/alerts/{id}/events answers 503 while it is unreachable.
  const archive = createArchive(archiveOptionsOf(config, logger));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const gateway = createGatewayService({
    bus,
    store: database.store,
    rules,
    ruleStore: database.rules,
    archive,
    explorer: { ...database.events, entities: database.store.entities },
    silences: database.silences,
    // Channels, policy and the delivery log; a channel test is sent from this gateway (no notifier needed).
    notifications: createGatewayNotifications({
      store: createNotificationStore({ db: database.db, target: database.target }),
      publicUrl: config.VIGIL_PUBLIC_URL ?? `http://${config.HOST}:${config.PORT}`,
      logger,
    }),
    registry,
    logger,
    host: config.HOST,
    port: config.PORT,
    // Kafka keeps the alerts topic across restarts, so its offsets (the cursors) stay valid: a fixed epoch.
    epoch: config.KAFKA_BROKERS ? 'k1' : `m${Date.now().toString(36)}`,
    alertsTopic: topicNames(config.TOPIC_PREFIX).alerts,
    eventTopics: topicNames(config.TOPIC_PREFIX).events,
    eventKey: partitionKey,
    staticDir: config.STATIC_DIR,
    auth,
  });
  const { port } = await gateway.start();
  const url = `http://${config.HOST}:${port}`;
  logger.info({ url }, 'gateway listening');
  // A first run's link, on stdout beside the URL (see sign-in-banner.ts); other starts print nothing extra.
  if (signInSecret !== null) {
    process.stdout.write(`\n  Vigil gateway: ${url}\n${signInBanner(signInUrl(url, signInSecret))}\n`);
  }
  return {
    async stop() {
      await gateway.stop();
      await archive.stop();
      await bus.stop();
      await database.close();
    },
  };
});
