import { type ServerFrame, WS_CLOSE_CODES, WS_ERROR_CODES, type WsErrorCode } from '@vigil/core';
import type { Logger } from 'pino';
import type { AlertSink, LostRange } from '../feed/alert-feed.ts';
import type { RingEntry } from '../feed/alert-ring.ts';
import type { AlertHistory } from './alert-history.ts';
import { parseClientFrame } from './client-frame.ts';
import type { Connection, Publish, WsHandlers } from './connection.ts';
import { DEFAULT_FANOUT_LIMITS, type FanoutLimits } from './fanout-limits.ts';
import { type CanonicalFilter, canonicalFilter } from './filter.ts';
import { createHeadWaiters } from './head-waiters.ts';
import type { LiveMetrics } from './live-metrics.ts';
import { runReplay } from './replay.ts';
import { createSubscriptionGroups, type Group } from './subscription-groups.ts';

export interface FanoutOptions {
  history: AlertHistory;
  /** uWS app.publish: the only way alerts reach live subscribers. */
  publish: Publish;
  metrics: LiveMetrics;
  logger: Logger;
  now?: () => number;
  limits?: Partial<FanoutLimits>;
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
  /** Cancels replays and waits; sockets are closed by the transport. */
  stop(): void;
}

interface Client {
  readonly conn: Connection;
  subscribed: boolean;
  group: Group | null;
  replay: AbortController | null;
  onDrain: (() => void) | null;
  droppedByUws: boolean;
}

const SLOW_REASON = 'slow consumer';
const RESUME_REASON = 'alerts missed; resume from your last cursor';

/**
 * The WebSocket protocol and the fan-out. Live alerts go through uWS native pub/sub: one topic per
 * distinct canonical filter, one publish per matching group per alert, the frame serialized once by the
 * feed. JavaScript never loops over sockets per alert; every chunk's worth of bytes (or 100 ms) it checks
 * the buffers of the groups that received something and closes clients over the bound with 4008.
 */
export function createFanout(options: FanoutOptions): Fanout {
  const { history, publish, metrics } = options;
  const logger = options.logger.child({ module: 'fanout' });
  const now = options.now ?? Date.now;
  const limits = { ...DEFAULT_FANOUT_LIMITS, ...options.limits };
  const schedule =
    options.schedule ??
    ((task: () => void, delayMs: number) => {
      if (delayMs === 0) setImmediate(task);
      else setTimeout(task, delayMs).unref();
    });
  const groups = createSubscriptionGroups();
  const clients = new Map<Connection, Client>();
  const headWaiters = createHeadWaiters();
  const dirty = new Set<Group>();
  /** Frame bytes published since the last check, and the pending check (soon: next turn; later: timer). */
  let bytesSinceCheck = 0;
  let pendingCheck: 'none' | 'soon' | 'later' = 'none';
  /** Bumped when a later check is replaced by a sooner one, so the stale timer does nothing. */
  let checkGeneration = 0;
  let subscriptions = 0;

  const countGroups = () => metrics.filterGroups.set(groups.size);

  const send = (client: Client, frame: string, op: ServerFrame['op']): boolean => {
    if (client.conn.closed || !client.conn.send(frame)) return false;
    metrics.framesSent.inc({ op });
    if (client.conn.bufferedAmount() > limits.maxBufferedBytes) {
      cutSlow(client, 'direct');
      return false;
    }
    return true;
  };
  const sendError = (client: Client, code: WsErrorCode, message: string) => {
    metrics.errors.inc({ code });
    send(client, JSON.stringify({ op: 'error', code, message }), 'error');
  };
  const cutSlow = (client: Client, reason: string) => {
    if (client.conn.closed) return;
    metrics.slowClientsDropped.inc({ reason });
    logger.info(
      { connId: client.conn.id, buffered: client.conn.bufferedAmount(), reason },
      'slow client cut off',
    );
    client.conn.close(WS_CLOSE_CODES.slowConsumer, SLOW_REASON);
  };

  const endSubscription = (client: Client) => {
    client.replay?.abort();
    client.replay = null;
    if (client.group) groups.leave(client.conn, client.group, client.conn.closed);
    client.group = null;
    const onDrain = client.onDrain;
    client.onDrain = null;
    onDrain?.();
    if (client.subscribed) {
      client.subscribed = false;
      subscriptions -= 1;
      metrics.subscriptions.dec();
    }
    countGroups();
  };

  const beginSubscription = (client: Client) => {
    client.subscribed = true;
    subscriptions += 1;
    metrics.subscriptions.inc();
  };

  const announce = (client: Client, filter: CanonicalFilter) =>
    send(client, JSON.stringify({ op: 'subscribed', filter, cursor: history.headCursor() }), 'subscribed');

  const goLive = (client: Client, filter: CanonicalFilter) => {
    client.replay = null;
    client.group = groups.join(client.conn, filter);
    countGroups();
  };

  const waitForDrain = (client: Client, signal: AbortSignal): Promise<boolean> => {
    if (client.conn.closed || signal.aborted) return Promise.resolve(false);
    if (client.conn.bufferedAmount() <= limits.maxBufferedBytes / 4) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        client.onDrain = null;
        cutSlow(client, 'replay');
        resolve(false);
      }, limits.drainTimeoutMs);
      client.onDrain = () => {
        clearTimeout(timer);
        client.onDrain = null;
        resolve(!client.conn.closed && !signal.aborted);
      };
    });
  };

  const startReplay = (client: Client, filter: CanonicalFilter, next: number) => {
    const controller = new AbortController();
    client.replay = controller;
    const { signal } = controller;
    runReplay(
      {
        history,
        filter,
        signal,
        send: (frame) => !signal.aborted && send(client, frame, 'alert'),
        bufferedAmount: () => client.conn.bufferedAmount(),
        highWater: limits.maxBufferedBytes / 2,
        waitForDrain: () => waitForDrain(client, signal),
        waitForHead: (target) =>
          headWaiters.wait(target, history.window().head, signal, limits.aheadWaitTimeoutMs),
        announce: (source) => {
          metrics.replays.inc({ source });
          announce(client, filter);
        },
        goLive: () => goLive(client, filter),
        expire: (message) => {
          endSubscription(client);
          sendError(client, WS_ERROR_CODES.cursorExpired, message);
        },
      },
      next,
    ).catch((err: unknown) => {
      if (signal.aborted) return;
      logger.warn({ err, connId: client.conn.id }, 'replay failed');
      endSubscription(client);
      sendError(
        client,
        WS_ERROR_CODES.internal,
        `could not replay from that cursor: ${(err as Error).message}`,
      );
    });
  };

  const subscribe = (client: Client, filterIn: Parameters<typeof canonicalFilter>[0], since?: string) => {
    let next: number | undefined;
    if (since !== undefined) {
      const decoded = history.decodeCursor(since);
      if (!decoded.ok) {
        // A malformed cursor changes nothing; an expired one ends the previous subscription too.
        if (decoded.code === WS_ERROR_CODES.cursorExpired) endSubscription(client);
        sendError(client, decoded.code, decoded.message);
        return;
      }
      next = decoded.next;
    }
    endSubscription(client);
    const filter = canonicalFilter(filterIn);
    beginSubscription(client);
    if (next === undefined) {
      // subscribed, then join, in one tick: the first live alert is the one after the head announced.
      if (announce(client, filter)) goLive(client, filter);
      return;
    }
    startReplay(client, filter, next);
  };

  const sweep = () => {
    pendingCheck = 'none';
    bytesSinceCheck = 0;
    const slow: Client[] = [];
    for (const group of dirty) {
      for (const conn of group.members) {
        const client = clients.get(conn);
        if (client && conn.bufferedAmount() > limits.maxBufferedBytes) slow.push(client);
      }
    }
    dirty.clear();
    // Closed after the scan: closing runs the close callback, which edits the groups being read.
    for (const client of slow) cutSlow(client, 'live');
  };

  /**
   * Checking costs a native call per member of every group that received something, so it is batched:
   * on the next turn once checkBytes went out since the last check (which bounds how far any buffer can
   * grow unchecked, see hardBackpressureLimit), else checkIntervalMs after the first publish.
   */
  const requestCheck = () => {
    const soon = bytesSinceCheck >= limits.checkBytes;
    if (pendingCheck === 'soon' || (pendingCheck === 'later' && !soon)) return;
    pendingCheck = soon ? 'soon' : 'later';
    const generation = ++checkGeneration;
    schedule(
      () => {
        if (generation === checkGeneration) sweep();
      },
      soon ? 0 : limits.checkIntervalMs,
    );
  };

  return {
    open(conn) {
      clients.set(conn, {
        conn,
        subscribed: false,
        group: null,
        replay: null,
        onDrain: null,
        droppedByUws: false,
      });
      metrics.connections.inc();
    },

    message(conn, text) {
      const client = clients.get(conn);
      if (!client) return;
      if (text === null)
        return sendError(client, WS_ERROR_CODES.badRequest, 'binary frames are not supported');
      const parsed = parseClientFrame(text);
      if (!parsed.ok) return sendError(client, parsed.code, parsed.message);
      const frame = parsed.frame;
      if (frame.op === 'ping') send(client, '{"op":"pong"}', 'pong');
      else if (frame.op === 'unsubscribe') {
        endSubscription(client);
        send(client, '{"op":"unsubscribed"}', 'unsubscribed');
      } else subscribe(client, frame.filter, frame.since);
    },

    drain(conn) {
      const client = clients.get(conn);
      if (client?.onDrain && conn.bufferedAmount() <= limits.maxBufferedBytes / 4) client.onDrain();
    },

    close(conn, code, reason) {
      const client = clients.get(conn);
      if (!client) return;
      endSubscription(client);
      clients.delete(conn);
      metrics.connections.dec();
      // uWS closes on a frame over maxPayloadLength itself, without a close frame (the client sees 1006).
      if (code === 1006 && /too big/i.test(reason)) metrics.errors.inc({ code: WS_ERROR_CODES.tooLarge });
    },

    dropped(conn) {
      const client = clients.get(conn);
      if (!client || client.droppedByUws) return;
      client.droppedByUws = true;
      // uWS closes it (closeOnBackpressureLimit); it means the headroom above maxBufferedBytes was too small.
      metrics.slowClientsDropped.inc({ reason: 'hard_limit' });
      logger.warn(
        { connId: conn.id, buffered: conn.bufferedAmount() },
        'uWS dropped a frame at its hard limit',
      );
    },

    deliver(entries: readonly RingEntry[]) {
      const at = now();
      for (const entry of entries) {
        metrics.alertsFannedOut.inc();
        metrics.deliveryLatency.observe(Math.max(0, at - entry.publishedAt) / 1000);
        if (groups.size === 0) continue;
        for (const group of groups.matching(entry.keys)) {
          publish(group.topic, entry.frame);
          metrics.framesSent.inc({ op: 'alert' }, group.members.size);
          dirty.add(group);
          bytesSinceCheck += entry.frame.length;
        }
      }
      if (headWaiters.size > 0) headWaiters.advanced(history.window().head);
      if (dirty.size > 0) requestCheck();
    },

    lost(range: LostRange) {
      // Only live members: a replaying client re-plans from the ring's new window by itself, reading
      // what the ring no longer covers from the bus.
      const live = [...clients.values()].filter((c) => c.group !== null);
      logger.warn({ ...range, clients: live.length }, 'closing live subscribers after a lost gap');
      metrics.resumeRequired.inc(live.length);
      // Closed after the scan: closing runs the close callback, which edits the groups and clients.
      for (const client of live) client.conn.close(WS_CLOSE_CODES.resumeRequired, RESUME_REASON);
    },

    stats: () => ({
      connections: clients.size,
      subscriptions,
      groups: groups.size,
      replaying: [...clients.values()].filter((c) => c.replay !== null).length,
    }),

    stop() {
      for (const client of clients.values()) {
        client.replay?.abort();
        client.onDrain?.(); // a replay waiting for a drain ends now, not at its timeout
      }
      headWaiters.releaseAll();
    },
  };
}
