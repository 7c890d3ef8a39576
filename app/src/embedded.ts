import { join } from 'node:path';
import { createFsArchive, createMemoryBus, loadRules } from '@vigil/adapters';
import { partitionKey, topicNames, vigilTopics } from '@vigil/core';
import { openDatabase, openStoreRuleSource } from '@vigil/db';
import { createNotificationStore } from '@vigil/db/notifications';
import {
  type AuthConfig,
  configureAuth,
  createGatewayNotifications,
  createGatewayService,
  DEFAULT_AUTH_CONFIG,
  type SocketCaps,
  signInUrl,
} from '@vigil/gateway';
import { createNotifierService, DEFAULT_NOTIFIER_GROUP_ID } from '@vigil/notifier';
import { createEventIndexer, createProcessorService, DEFAULT_GROUP_ID, keyedGroupId } from '@vigil/processor';
import { createSimulator, SCENARIO_NAMES } from '@vigil/simulator';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';

export interface EmbeddedOptions {
  host?: string;
  /** 0: the OS picks one (tests, side-by-side instances). */
  port: number;
  dataDir: string;
  /** Events/s of the built-in simulator; 0 turns it off. */
  simulatorRate: number;
  /** Interval of the simulator's rotating anomaly scenarios. */
  scenarioEveryMs?: number;
  rulesFile?: string;
  staticDir?: string;
  logger: Logger;
  /**
   * Identities and limits (core's authVars: VIGIL_ADMIN_PASSWORD, VIGIL_ADMIN_TOKEN, ALLOWED_HOSTS, …);
   * absent values take their defaults. With neither admin variable, a first start prints a sign-in link.
   */
  auth?: Partial<AuthConfig>;
  socketCaps?: Partial<SocketCaps>;
  /** Hours of raw events the event explorer keeps (EVENT_RETENTION_HOURS, default 24). */
  eventRetentionHours?: number;
  /** Extra Node metrics (event loop, GC, memory) on /metrics; off in tests that start several systems. */
  processMetrics?: boolean;
  /**
   * The system can no longer keep its promises (the processor hit a bug, the bus log cannot be written):
   * `npm start` stops and exits 1, for a supervisor to restart it, instead of running with nothing processing.
   */
  onFatal: (err: unknown) => void;
}

export interface Embedded {
  url: string;
  port: number;
  /** The one-time sign-in URL of a first start (no admin password yet, neither admin variable set); else null. */
  signInUrl: string | null;
  /** Stops in reverse start order: simulator, notifier (routing, flushing, sends in flight), gateway (clients get 1001), processor (flush, commit), database, archive, bus. */
  stop(): Promise<void>;
}

/** Partitions per event topic in embedded mode: one process, so a few are plenty and keep memory low. */
const EMBEDDED_PARTITIONS = 2;
/**
 * Messages kept per partition by the in-process bus (~0.9 KB each): bounds embedded memory. It is also
 * the most a partition holds that the processor has not committed (which includes its replay window):
 * beyond it, ingest answers 503 with Retry-After instead of dropping accepted events.
 */
export const EMBEDDED_RETENTION = 20_000;

/**
 * The whole system in one process, as `npm start` runs it: in-process bus, PGlite and the filesystem
 * archive under dataDir, processor, gateway with the dashboard, and the simulator.
 */
export async function startEmbedded(options: EmbeddedOptions): Promise<Embedded> {
  const { logger } = options;
  // Validated at every start; it only seeds the rules store on the first one (the store holds them after).
  const seedRules = await loadRules(options.rulesFile);
  const topics = topicNames();
  // Each started part registers its stop, so a failure half-way still stops what already runs.
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    // Durable: accepted events, the DLQ and committed offsets survive a crash (adapters/src/bus/disk).
    const bus = createMemoryBus({
      logger: logger.child({ module: 'bus' }),
      retention: EMBEDDED_RETENTION,
      dir: join(options.dataDir, 'bus'),
      durableGroups: {
        [DEFAULT_GROUP_ID]: Object.values(topics.events),
        [keyedGroupId(DEFAULT_GROUP_ID)]: [topics.repartition],
        // A restart resumes routing where it stopped: no alert goes unnotified.
        [DEFAULT_NOTIFIER_GROUP_ID]: [topics.alerts],
      },
      onFatal: options.onFatal,
    });
    await bus.start(vigilTopics(EMBEDDED_PARTITIONS));
    stops.push(() => bus.stop());
    const archive = createFsArchive({ root: join(options.dataDir, 'archive'), logger });
    await archive.start();
    stops.push(() => archive.stop());
    const database = await openDatabase({ dataDir: options.dataDir, logger });
    stops.push(() => database.close());
    const ruleSource = await openStoreRuleSource({
      store: database.rules,
      seed: seedRules,
      origin: options.rulesFile ?? 'built-in defaults',
      logger,
    });
    // What is in force now; later changes through the API are put in force without a restart (below).
    const rules = await ruleSource.load();
    // One gateway: rate limits are counted in memory.
    const { auth, signInSecret } = await configureAuth({
      config: { ...DEFAULT_AUTH_CONFIG, ...options.auth },
      database,
      logger,
      shared: false,
    });
    const registry = new Registry();
    if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

    const { processor } = createProcessorService({
      bus,
      archive,
      store: database.store,
      rules,
      topics,
      logger,
      registry,
      onFatal: options.onFatal,
    });
    await processor.start();
    stops.push(() => processor.stop());
    // processor/README.md "Hot reload": the store's change feed, polled once a second.
    const unsubscribe = ruleSource.subscribe((next) => {
      logger.info({ rules: next.length }, 'rules changed in the store: reloading');
      processor.reload(next);
    });
    stops.push(async () => unsubscribe());
    // Its group is not durable: when it lags past the bus retention it skips events, never holding up ingest.
    const indexer = createEventIndexer({
      bus,
      store: database.events,
      topics: Object.values(topics.events),
      retentionMs: (options.eventRetentionHours ?? 24) * 3_600_000,
      logger,
      registry,
    });
    await indexer.start();
    stops.push(() => indexer.stop());
    const notificationStore = createNotificationStore({ db: database.db, target: database.target });
    // Known once the gateway listens (port 0 picks one): read by a channel test, never before start.
    let publicUrl = '';
    const gateway = createGatewayService({
      bus,
      store: database.store,
      rules,
      ruleStore: database.rules,
      archive,
      explorer: { ...database.events, entities: database.store.entities },
      silences: database.silences,
      notifications: createGatewayNotifications({
        store: notificationStore,
        publicUrl: () => publicUrl,
        logger,
      }),
      registry,
      logger,
      host: options.host ?? '127.0.0.1',
      port: options.port,
      // The durable log's id: cursors stay valid across restarts, and read as expired if the log is wiped.
      epoch: `m${bus.logId()}`,
      // A stalled partition or a processor that stopped on a bug makes /api/health answer 503.
      health: { processor: processor.healthProbe },
      alertsTopic: topics.alerts,
      eventTopics: topics.events,
      eventKey: partitionKey,
      staticDir: options.staticDir,
      auth,
      socketCaps: options.socketCaps,
    });
    const { port } = await gateway.start();
    stops.push(() => gateway.stop());
    publicUrl = `http://${options.host ?? '127.0.0.1'}:${port}`;
    // Notifications (notifier/README.md): alerts routed by the policy, sent through the outbox in PGlite.
    const notifier = createNotifierService({
      bus,
      store: notificationStore,
      alertsTopic: topics.alerts,
      logger,
      registry,
      publicUrl,
      onFatal: options.onFatal,
    });
    await notifier.start();
    stops.push(() => notifier.stop());

    if (options.simulatorRate > 0) {
      const simulator = createSimulator({
        bus,
        topicOf: (source) => topics.events[source],
        generator: { seed: Date.now() % 2_147_483_647, rate: options.simulatorRate },
        schedule: {
          scenarios: SCENARIO_NAMES,
          everyMs: options.scenarioEveryMs ?? 60_000,
          firstAfterMs: 5_000,
        },
        logger,
        now: Date.now,
        progressEveryMs: 60_000,
      });
      await simulator.start();
      stops.push(async () => {
        await simulator.stop();
      });
    }
    const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
    return {
      url,
      port,
      signInUrl: signInSecret === null ? null : signInUrl(url, signInSecret),
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
