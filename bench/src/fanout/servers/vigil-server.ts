import { createMemoryBus } from '@vigil/adapters';
import { partitionKey, topicNames } from '@vigil/core';
import { openDatabase } from '@vigil/db';
import {
  configureAuth,
  createGatewayService,
  DEFAULT_AUTH_CONFIG,
  DEFAULT_FEED_LIMITS,
} from '@vigil/gateway';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { BENCH_ADMIN_TOKEN, BENCH_RATE_LIMIT } from '../../lib/bench-auth.ts';
import { waitFor } from '../../lib/clock.ts';
import { createAlertSource } from '../bench-alerts.ts';
import type { BenchServer, BenchServerOptions } from './bench-server.ts';
import { nullAlertStore } from './null-alert-store.ts';

/**
 * Sockets per IP and per credential: every bench client connects from 127.0.0.1 with one token, up to
 * 10,000 of them (the full sweep), so the defaults (2,000 / 1,000) would refuse most; the caps stay on.
 */
const BENCH_SOCKET_CAPS = { maxPerIp: 50_000, maxPerCredential: 50_000 };

/**
 * The real gateway, as `npm run gateway` builds it (createGatewayService: uWS transport, fan-out, alert
 * feed, HTTP router), over the in-process bus. The driver publishes to the alerts topic like the
 * processor does, so every alert takes the full Vigil path: bus → feed (decode, validate, dedupe,
 * ring, frame serialized once) → filter groups → uWS publish. Every socket is admitted as in production:
 * its upgrade's Bearer token is checked against the identities of an in-memory PGlite database, where
 * the gateway's own bootstrap created it from VIGIL_ADMIN_TOKEN.
 */
export async function startVigilServer(
  options: BenchServerOptions & { logger: Logger },
): Promise<BenchServer> {
  const { logger } = options;
  const topics = topicNames();
  const topic = topics.alerts;
  const bus = createMemoryBus({ logger, retention: options.retention });
  await bus.start([{ topic, partitions: 1 }]);
  // No url, no dataDir: PGlite in memory, holding only the identities and the audit log.
  const database = await openDatabase({ logger });
  const { auth } = await configureAuth({
    config: {
      ...DEFAULT_AUTH_CONFIG,
      VIGIL_ADMIN_TOKEN: BENCH_ADMIN_TOKEN,
      RATE_LIMIT_API: BENCH_RATE_LIMIT,
      RATE_LIMIT_IP: BENCH_RATE_LIMIT,
      RATE_LIMIT_INGEST: BENCH_RATE_LIMIT,
    },
    database,
    logger,
    shared: false,
  });
  const gateway = createGatewayService({
    bus,
    store: nullAlertStore,
    rules: [],
    registry: new Registry(),
    logger,
    host: '127.0.0.1',
    port: 0,
    epoch: `m${Date.now().toString(36)}`,
    alertsTopic: topic,
    eventTopics: topics.events,
    eventKey: partitionKey,
    auth,
    socketCaps: BENCH_SOCKET_CAPS,
    // A small ring sends resumes older than it to the bus (the resume suite measures both paths).
    limits:
      options.ringMaxAlerts === undefined
        ? undefined
        : {
            feed: {
              ringMaxAlerts: options.ringMaxAlerts,
              preloadAlerts: Math.min(options.ringMaxAlerts, DEFAULT_FEED_LIMITS.preloadAlerts),
            },
          },
  });
  const { port } = await gateway.start();
  const source = createAlertSource(options.runId);
  let published = 0;

  return {
    url: `ws://127.0.0.1:${port}/ws`,
    async publish(count) {
      const messages = [];
      for (let i = 0; i < count; i++) messages.push({ key: null, value: JSON.stringify(source.next()) });
      await bus.publish(topic, messages);
      published += count;
    },
    async settled() {
      // Offsets start at 0, so the feed has ingested everything once its head reaches `published`.
      if (!(await waitFor(() => gateway.feed.window().head >= published, 30_000, 5))) {
        throw new Error(`the alert feed did not reach offset ${published} within 30 s`);
      }
    },
    get lastSeq() {
      return source.lastSeq;
    },
    async stop() {
      await gateway.stop();
      await bus.stop();
      await database.close();
    },
  };
}
