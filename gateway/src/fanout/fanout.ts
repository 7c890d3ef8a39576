import type { Principal } from '@vigil/core';
import type { Logger } from 'pino';
import type { AlertHistory, AlertSink, LiveMetrics } from '../live/live-types.ts';
import type { Publish, WsHandlers } from './connection.ts';
import { createDelivery } from './delivery.ts';
import { DEFAULT_FANOUT_LIMITS, type FanoutLimits } from './fanout-limits.ts';
import { createSessions, type Sessions } from './sessions.ts';

export interface FanoutOptions {
  history: AlertHistory;
  /** uWS app.publish: the only way alerts reach live subscribers. */
  publish: Publish;
  metrics: LiveMetrics;
  logger: Logger;
  now?: () => number;
  limits?: Partial<FanoutLimits>;
  /** Resolves the token of an `auth` frame (sockets opened without credentials); null: not valid. */
  authenticate: (token: string) => Promise<Principal | null>;
  /** Sockets one credential may hold, for those that authenticate by frame (default 1,000). */
  maxSocketsPerCredential?: number;
  /**
   * Runs the slow-client check: with delayMs 0 after uWS has flushed this turn's publishes (default
   * setImmediate), else after a timer.
   */
  schedule?: (task: () => void, delayMs: number) => void;
}

export interface FanoutStats {
  connections: number;
  subscriptions: number;
  groups: number;
  replaying: number;
}

export interface Fanout extends WsHandlers, AlertSink {
  stats(): FanoutStats;
  /** Per-IP and per-credential socket counts, the credentials in use, and closing them (sessions.ts). */
  readonly sockets: Pick<Sessions, 'countByIp' | 'countByCredential' | 'credentials' | 'closeCredentials'>;
  /** Cancels replays and waits; sockets are closed by the transport. */
  stop(): void;
}

/**
 * The WebSocket protocol and the fan-out: the sessions (sessions.ts) speak the protocol on each socket,
 * the delivery (delivery.ts) publishes alerts to subscription groups and cuts off slow clients. The
 * transport drives the sessions; the alert feed drives the delivery.
 */
export function createFanout(options: FanoutOptions): Fanout {
  const { history, metrics } = options;
  const logger = options.logger.child({ module: 'fanout' });
  const limits = { ...DEFAULT_FANOUT_LIMITS, ...options.limits };
  const delivery = createDelivery({
    publish: options.publish,
    head: () => history.window().head,
    metrics,
    logger,
    now: options.now ?? Date.now,
    limits,
    schedule:
      options.schedule ??
      ((task, delayMs) => {
        if (delayMs === 0) setImmediate(task);
        else setTimeout(task, delayMs).unref();
      }),
  });
  const sessions = createSessions({
    history,
    delivery,
    metrics,
    logger,
    limits,
    authenticate: options.authenticate,
    maxSocketsPerCredential: options.maxSocketsPerCredential ?? 1_000,
    now: options.now ?? Date.now,
  });

  return {
    open: (conn) => sessions.open(conn),
    message: (conn, text) => sessions.message(conn, text),
    drain: (conn) => sessions.drain(conn),
    close: (conn, code, reason) => sessions.close(conn, code, reason),
    dropped: (conn) => sessions.dropped(conn),
    sockets: {
      countByIp: (ip) => sessions.countByIp(ip),
      countByCredential: (id) => sessions.countByCredential(id),
      credentials: () => sessions.credentials(),
      closeCredentials: (ids, reason) => sessions.closeCredentials(ids, reason),
    },
    deliver: (entries) => delivery.deliver(entries),
    lost: (range) => delivery.lost(range),
    stats: () => ({
      connections: sessions.connections,
      subscriptions: sessions.subscriptions,
      groups: delivery.groups,
      replaying: sessions.replaying,
    }),
    stop() {
      sessions.stop();
      delivery.stop();
    },
  };
}
