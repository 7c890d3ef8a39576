import type { Bus } from '@vigil/core';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { type AlertFeed, createAlertFeed } from '../feed/alert-feed.ts';
import { DEFAULT_FEED_LIMITS, type FeedLimits } from '../feed/feed-limits.ts';
import type { HttpHandler } from '../http/http-types.ts';
import type { TransportLimits } from '../transport/transport-limits.ts';
import { createUwsServer, type UwsServer } from '../transport/uws-server.ts';
import { createFanout, type Fanout } from './fanout.ts';
import { DEFAULT_FANOUT_LIMITS, type FanoutLimits, hardBackpressureLimit } from './fanout-limits.ts';
import { createLiveMetrics } from './live-metrics.ts';

export interface LiveGatewayOptions {
  bus: Bus;
  /** Cursor epoch: a fixed string for Kafka (e.g. `k1`), the process start for the in-process bus. */
  epoch: string;
  host: string;
  /** 0: the OS picks (start() returns the port). */
  port: number;
  /** Every non-WebSocket request (REST, ingest, static, /metrics). */
  http: HttpHandler;
  /** Where the live counters go (main serves it on /metrics). */
  registry: Registry;
  logger: Logger;
  /** The alerts topic (1 partition), `topicNames(prefix).alerts`. Tests use a unique name. */
  topic: string;
  /** This instance's consumer group; default unique per instance. */
  groupId?: string;
  /** Told after each batch of new alerts reaches the fan-out (the REST cache invalidates on it). */
  onAlerts?: () => void;
  /** Origins allowed to open /ws; unset: any. */
  allowedOrigins?: readonly string[];
  now?: () => number;
  limits?: {
    feed?: Partial<FeedLimits>;
    fanout?: Partial<FanoutLimits>;
    /** maxBackpressure is derived from the fan-out's and feed's limits unless given. */
    transport?: Partial<TransportLimits>;
  };
}

export interface LiveGateway {
  readonly feed: AlertFeed;
  readonly fanout: Fanout;
  readonly server: UwsServer;
  /** Starts the feed (preloads the ring, goes live), then listens. */
  start(): Promise<{ port: number }>;
  /** Closes the server (WebSockets get 1001), stops replays, then the feed. The bus is the caller's. */
  stop(): Promise<void>;
}

/** The gateway's one port with its live side wired: uWS server + fan-out + alert feed. */
export function createLiveGateway(options: LiveGatewayOptions): LiveGateway {
  const { logger } = options;
  const metrics = createLiveMetrics(options.registry);
  const feedLimits = { ...DEFAULT_FEED_LIMITS, ...options.limits?.feed };
  // Checked once per feed chunk by default: fewer native calls than a check per turn, bounded headroom.
  const fanoutLimits = {
    ...DEFAULT_FANOUT_LIMITS,
    checkBytes: feedLimits.chunkBytes,
    ...options.limits?.fanout,
  };
  // The three are built around each other's callbacks; these late bindings close the loop.
  let fanout: Fanout | undefined;
  let server: UwsServer | undefined;
  const feed = createAlertFeed({
    bus: options.bus,
    epoch: options.epoch,
    topic: options.topic,
    groupId: options.groupId,
    sink: {
      deliver: (entries) => {
        fanout?.deliver(entries);
        options.onAlerts?.();
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
  });
  server = createUwsServer({
    host: options.host,
    port: options.port,
    http: options.http,
    ws: fanout,
    allowedOrigins: options.allowedOrigins,
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
  const live = { feed, fanout, server };
  let started = false;

  return {
    ...live,
    async start() {
      await feed.start();
      started = true;
      return live.server.start();
    },
    async stop() {
      await live.server.stop();
      live.fanout.stop();
      if (started) await feed.stop();
    },
  };
}
