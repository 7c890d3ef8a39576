import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Bus, Source } from '@vigil/core';
import type { Rule } from '@vigil/core/rules';
import type { AlertStore } from '@vigil/db';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { createLiveGateway, type LiveGatewayOptions } from './fanout/live-gateway.ts';
import { createHttpRouter } from './http/create-http-router.ts';
import type { EventKeyFn, HealthProbe } from './http/http-ports.ts';

/** Where `npm run build -w @vigil/ui` writes the dashboard. */
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../ui/build', import.meta.url));

export interface GatewayServiceOptions {
  bus: Bus;
  store: AlertStore;
  rules: readonly Rule[];
  registry: Registry;
  logger: Logger;
  host: string;
  port: number;
  /** Cursor epoch (see fanout/live-gateway.ts). */
  epoch: string;
  alertsTopic: string;
  /** Topic of each source's events, where HTTP ingest publishes (TOPIC_PREFIX). */
  eventTopics: Record<Source, string>;
  /** Extra health probes beside the database's. */
  health?: Record<string, HealthProbe>;
  eventKey: EventKeyFn;
  staticDir?: string;
  allowedOrigins?: readonly string[];
  now?: () => number;
  /** Feed, fan-out and transport limits (defaults in gateway/README.md, "WebSocket: limits"). */
  limits?: LiveGatewayOptions['limits'];
}

/** The gateway's one port: REST, ingest, metrics and the dashboard over HTTP, live alerts over /ws. */
export function createGatewayService(options: GatewayServiceOptions) {
  const logger = options.logger.child({ module: 'gateway' });
  const staticDir = options.staticDir ?? DEFAULT_STATIC_DIR;
  const hasDashboard = existsSync(staticDir);
  if (!hasDashboard) logger.warn({ staticDir }, 'dashboard not built: run `npm run build -w @vigil/ui`');
  const router = createHttpRouter({
    store: options.store,
    bus: options.bus,
    rules: options.rules,
    health: { database: () => options.store.ping(), ...options.health },
    registry: options.registry,
    staticDir: hasDashboard ? staticDir : undefined,
    logger,
    now: options.now ?? Date.now,
    eventKey: options.eventKey,
    topicOf: (source) => options.eventTopics[source],
  });
  return createLiveGateway({
    bus: options.bus,
    epoch: options.epoch,
    host: options.host,
    port: options.port,
    http: router,
    onAlerts: () => router.invalidate(),
    registry: options.registry,
    logger,
    topic: options.alertsTopic,
    allowedOrigins: options.allowedOrigins,
    now: options.now,
    limits: options.limits,
  });
}
