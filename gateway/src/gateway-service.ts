/**
 * The gateway's one composition file: builds its parts in dependency order (metrics → live event tail →
 * HTTP router → alert feed → fan-out → uWS transport) and hands each its collaborators explicitly. main.ts, app's embedded
 * system and the fan-out benchmark all build the gateway through createGatewayService.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Archive, Bus, Source } from '@vigil/core';
import type { Rule } from '@vigil/core/rules';
import type { AlertStore, SilenceStore } from '@vigil/db';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { GatewayAuth } from './auth/gateway-auth.ts';
import { type RevocationSweep, startRevocationSweep } from './auth/revocation-sweep.ts';
import { createWsAdmission, DEFAULT_SOCKET_CAPS, type SocketCaps } from './auth/ws-admission.ts';
import { createFanout, type Fanout } from './fanout/fanout.ts';
import { DEFAULT_FANOUT_LIMITS, type FanoutLimits, hardBackpressureLimit } from './fanout/fanout-limits.ts';
import { type AlertFeed, createAlertFeed } from './feed/alert-feed.ts';
import { DEFAULT_FEED_LIMITS, type FeedLimits } from './feed/feed-limits.ts';
import { createHttpRouter } from './http/create-http-router.ts';
import type { ExplorerStore } from './http/explorer-routes.ts';
import type { EventKeyFn, HealthProbe, HttpAlertStore } from './http/http-ports.ts';
import type { HttpRuleStore } from './http/rules-routes.ts';
import { createLiveMetrics } from './live/live-metrics.ts';
import type { GatewayNotifications } from './notifications/notification-ports.ts';
import { createEventTail, type EventTail } from './tail/event-tail.ts';
import type { TailLimits } from './tail/tail-limits.ts';
import { createTailMetrics } from './tail/tail-metrics.ts';
import type { TransportLimits } from './transport/transport-limits.ts';
import { createUwsServer, type UwsServer } from './transport/uws-server.ts';

/** Where `npm run build -w @vigil/ui` writes the dashboard. */
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../ui/build', import.meta.url));

export interface GatewayServiceOptions {
  bus: Bus;
  /** What the routes read and write, and its ping for /health. */
  store: HttpAlertStore & Pick<AlertStore, 'ping'>;
  rules: readonly Rule[];
  /** The rules store behind `/api/rules…` (writes, versions, backtests); without it `rules` are served read-only. */
  ruleStore?: HttpRuleStore;
  /** The raw-event archive the processor writes, read for alert evidence; without it that route answers 503. */
  archive?: Pick<Archive, 'get' | 'list'>;
  /** The event explorer's reads (the event store and the alert risk ranking); without it they answer 503. */
  explorer?: ExplorerStore;
  /** Silences (`/api/silences`, the database's `silences`); without it those routes answer 503. */
  silences?: SilenceStore;
  /** Channels, policy, delivery log, channel tests (`/api/channels…`); without it those routes answer 503. */
  notifications?: GatewayNotifications;
  registry: Registry;
  logger: Logger;
  host: string;
  /** 0: the OS picks (start() returns the port). */
  port: number;
  /** Cursor epoch: a fixed string for Kafka (e.g. `k1`), the process start for the in-process bus. */
  epoch: string;
  /** The alerts topic (1 partition), `topicNames(prefix).alerts`. Tests use a unique name. */
  alertsTopic: string;
  /** This instance's consumer group of the alerts topic; default unique per instance. */
  groupId?: string;
  /** Topic of each source's events, where HTTP ingest publishes and the live event tail reads (TOPIC_PREFIX). */
  eventTopics: Record<Source, string>;
  /** Extra health probes beside the database's. */
  health?: Record<string, HealthProbe>;
  eventKey: EventKeyFn;
  staticDir?: string;
  /** Who may do what: identities, credentials, rate limits, allowed hosts and origins, the audit log. */
  auth: GatewayAuth;
  /** Caps on open sockets per IP and per credential (defaults in ws-admission.ts). */
  socketCaps?: Partial<SocketCaps>;
  now?: () => number;
  /** Feed, fan-out and transport limits (defaults in gateway/README.md, "WebSocket: limits"). */
  limits?: {
    feed?: Partial<FeedLimits>;
    fanout?: Partial<FanoutLimits>;
    /** maxBackpressure is derived from the fan-out's and feed's limits unless given. */
    transport?: Partial<TransportLimits>;
    /** The live event tail (`GET /api/stream/events`; defaults in tail/tail-limits.ts). */
    tail?: Partial<TailLimits>;
  };
}

export interface GatewayService {
  readonly feed: AlertFeed;
  readonly fanout: Fanout;
  readonly server: UwsServer;
  readonly eventTail: EventTail;
  /** Starts the feed (preloads the ring, goes live), then listens. */
  start(): Promise<{ port: number }>;
  /** Ends live tails, closes the server (WebSockets get 1001), stops replays, then the feed. The bus is the caller's. */
  stop(): Promise<void>;
}

/** The gateway's one port: REST, ingest, metrics and the dashboard over HTTP, live alerts over /ws. */
export function createGatewayService(options: GatewayServiceOptions): GatewayService {
  const logger = options.logger.child({ module: 'gateway' });
  const staticDir = options.staticDir ?? DEFAULT_STATIC_DIR;
  const hasDashboard = existsSync(staticDir);
  if (!hasDashboard) logger.warn({ staticDir }, 'dashboard not built: run `npm run build -w @vigil/ui`');
  const feedLimits = { ...DEFAULT_FEED_LIMITS, ...options.limits?.feed };
  // Checked once per feed chunk by default: fewer native calls than a check per turn, bounded headroom.
  const fanoutLimits = {
    ...DEFAULT_FANOUT_LIMITS,
    checkBytes: feedLimits.chunkBytes,
    ...options.limits?.fanout,
  };

  const metrics = createLiveMetrics(options.registry);
  const socketCaps = { ...DEFAULT_SOCKET_CAPS, ...options.socketCaps };
  // Reads the event topics only while someone tails them; needs nothing but the bus.
  const eventTail = createEventTail({
    bus: options.bus,
    topics: options.eventTopics,
    metrics: createTailMetrics(options.registry),
    logger,
    now: options.now,
    limits: options.limits?.tail,
  });
  // The router depends on nothing live, so it is built before the feed, whose new alerts invalidate its
  // response cache: the feed's sink calls router.invalidate directly instead of a late-bound onAlerts hook.
  const router = createHttpRouter({
    store: options.store,
    bus: options.bus,
    alertsTopic: options.alertsTopic,
    rules: options.rules,
    ruleStore: options.ruleStore,
    archive: options.archive,
    explorer: options.explorer,
    silences: options.silences,
    notifications: options.notifications,
    health: { database: () => options.store.ping(), ...options.health },
    registry: options.registry,
    staticDir: hasDashboard ? staticDir : undefined,
    logger,
    now: options.now ?? Date.now,
    eventKey: options.eventKey,
    topicOf: (source) => options.eventTopics[source],
    auth: options.auth,
    eventTail,
  });
  // Two references point backwards and are inherent, not an artefact of the order: the feed delivers to the
  // fan-out while the fan-out reads its history from the feed, and the fan-out publishes through the server
  // while the server hands its sockets to the fan-out. Neither side is called before start() (the feed
  // delivers only once started, the fan-out publishes only to subscribed sockets), so both are set by then.
  let fanout: Fanout | undefined;
  let server: UwsServer | undefined;
  const feed = createAlertFeed({
    bus: options.bus,
    epoch: options.epoch,
    topic: options.alertsTopic,
    groupId: options.groupId,
    sink: {
      deliver: (entries) => {
        fanout?.deliver(entries);
        router.invalidate();
      },
      lost: (range) => fanout?.lost(range),
    },
    metrics,
    logger,
    limits: feedLimits,
  });
  fanout = createFanout({
    history: feed,
    publish: (topic, frame) => server?.publish(topic, frame),
    metrics,
    logger,
    now: options.now,
    limits: fanoutLimits,
    authenticate: async (token) => (await options.auth.authenticator.fromSecret(token, 'frame')).principal,
    maxSocketsPerCredential: socketCaps.maxPerCredential,
  });
  server = createUwsServer({
    host: options.host,
    port: options.port,
    http: router,
    ws: fanout,
    admitUpgrade: createWsAdmission(options.auth, fanout.sockets, socketCaps),
    logger,
    limits: {
      maxBackpressure: hardBackpressureLimit({
        maxBufferedBytes: fanoutLimits.maxBufferedBytes,
        checkBytes: fanoutLimits.checkBytes,
        chunkBytes: feedLimits.chunkBytes,
        // A frame is the alert record plus ~40 bytes of envelope; the envelope is inside the 64 KiB margin.
        maxFrameBytes: feedLimits.maxAlertBytes,
      }),
      ...options.limits?.transport,
    },
  });
  const live = { feed, fanout, server, eventTail };
  let started = false;
  let sweep: RevocationSweep | undefined;

  return {
    ...live,
    async start() {
      await feed.start();
      started = true;
      sweep = startRevocationSweep({
        identities: options.auth.identities,
        // Live tails are ended with the sockets: a revoked token stops reading events within a second too.
        sockets: {
          ...fanout.sockets,
          credentials: () => [...new Set([...fanout.sockets.credentials(), ...eventTail.credentials()])],
          closeCredentials: (ids, reason) =>
            fanout.sockets.closeCredentials(ids, reason) + eventTail.closeCredentials(ids, reason),
        },
        forget: (id) => options.auth.authenticator.forget(id),
        logger,
        now: options.now ?? Date.now,
      });
      return live.server.start();
    },
    async stop() {
      sweep?.stop();
      // Before the server: each tail gets its `going_away` frame while its connection is still there.
      await eventTail.stop();
      await live.server.stop();
      live.fanout.stop();
      if (started) await feed.stop();
    },
  };
}
