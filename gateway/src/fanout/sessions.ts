import { type ServerFrame, WS_ERROR_CODES, type WsErrorCode } from '@vigil/core';
import type { Logger } from 'pino';
import type { AlertHistory, LiveMetrics } from '../live/live-types.ts';
import { parseClientFrame } from './client-frame.ts';
import type { Connection, WsHandlers } from './connection.ts';
import type { Delivery } from './delivery.ts';
import type { FanoutLimits } from './fanout-limits.ts';
import { type CanonicalFilter, canonicalFilter } from './filter.ts';
import { runReplay } from './replay.ts';
import type { Group } from './subscription-groups.ts';

export interface SessionsOptions {
  history: AlertHistory;
  /** Where every frame goes out and live members join their group. */
  delivery: Delivery;
  metrics: LiveMetrics;
  logger: Logger;
  limits: FanoutLimits;
}

/** The protocol side of every open socket: the transport's callbacks, plus what stats() and stop() read. */
export interface Sessions extends WsHandlers {
  readonly connections: number;
  readonly subscriptions: number;
  readonly replaying: number;
  /** Cancels replays, and ends the ones waiting for a drain now rather than at their timeout. */
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

/**
 * The WebSocket protocol, per connection: ping, subscribe (filter canonicalized, `since` decoded into a
 * replay from the ring or the bus before going live) and unsubscribe, each problem answered with an
 * error frame. Frames go out through the delivery, which cuts off a socket that does not keep up.
 */
export function createSessions(options: SessionsOptions): Sessions {
  const { history, delivery, metrics, logger, limits } = options;
  const clients = new Map<Connection, Client>();
  let subscriptions = 0;

  const send = (client: Client, frame: string, op: ServerFrame['op']): boolean =>
    delivery.send(client.conn, frame, op);
  const sendError = (client: Client, code: WsErrorCode, message: string) => {
    metrics.errors.inc({ code });
    send(client, JSON.stringify({ op: 'error', code, message }), 'error');
  };

  const endSubscription = (client: Client) => {
    client.replay?.abort();
    client.replay = null;
    if (client.group) delivery.leave(client.conn, client.group);
    client.group = null;
    const onDrain = client.onDrain;
    client.onDrain = null;
    onDrain?.();
    if (client.subscribed) {
      client.subscribed = false;
      subscriptions -= 1;
      metrics.subscriptions.dec();
    }
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
    client.group = delivery.join(client.conn, filter);
  };

  const waitForDrain = (client: Client, signal: AbortSignal): Promise<boolean> => {
    if (client.conn.closed || signal.aborted) return Promise.resolve(false);
    if (client.conn.bufferedAmount() <= limits.maxBufferedBytes / 4) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        client.onDrain = null;
        delivery.cutSlow(client.conn, 'replay');
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
        waitForHead: (target) => delivery.waitForHead(target, signal),
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

    get connections() {
      return clients.size;
    },
    get subscriptions() {
      return subscriptions;
    },
    get replaying() {
      return [...clients.values()].filter((c) => c.replay !== null).length;
    },

    stop() {
      for (const client of clients.values()) {
        client.replay?.abort();
        client.onDrain?.(); // a replay waiting for a drain ends now, not at its timeout
      }
    },
  };
}
