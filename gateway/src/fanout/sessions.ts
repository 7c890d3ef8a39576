import {
  type AlertFilter,
  decide,
  intersectFilters,
  type Principal,
  type ServerFrame,
  WS_CLOSE_CODES,
  WS_ERROR_CODES,
  type WsErrorCode,
} from '@vigil/core';
import type { Logger } from 'pino';
import { closeByCredential } from '../auth/close-by-credential.ts';
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
  /** Resolves the token of an `auth` frame; null when it is not valid. */
  authenticate: (token: string) => Promise<Principal | null>;
  /** Sockets one credential may hold (the upgrade checks its own; this is for `auth` frames). */
  maxSocketsPerCredential: number;
  now: () => number;
}

/** The protocol side of every open socket: the transport's callbacks, plus what stats() and stop() read. */
export interface Sessions extends WsHandlers {
  /** Open sockets from an address, and authenticated with a credential: the per-IP and per-token caps. */
  countByIp(ip: string): number;
  countByCredential(credentialId: string): number;
  /** Credential ids of the authenticated sockets, for the revocation sweep. */
  credentials(): string[];
  /** Closes every socket of these credentials with 4011; returns how many. */
  closeCredentials(ids: readonly string[], reason: string): number;
  readonly connections: number;
  readonly subscriptions: number;
  readonly replaying: number;
  /** Cancels replays, and ends the ones waiting for a drain now rather than at their timeout. */
  stop(): void;
}

interface Client {
  readonly conn: Connection;
  principal: Principal | null;
  /** Pending until the `auth` frame (sockets opened without credentials). */
  authTimer: ReturnType<typeof setTimeout> | null;
  authenticating: boolean;
  /** Fixed one-second window of subscribes (a counter, not a limiter library: frames must stay in order). */
  subscribeWindow: { start: number; count: number };
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
  const { history, delivery, metrics, logger, limits, now } = options;
  const clients = new Map<Connection, Client>();
  const byIp = new Map<string, number>();
  const byCredential = new Map<string, Set<Client>>();
  let subscriptions = 0;

  const byCredentialCount = (id: string) => byCredential.get(id)?.size ?? 0;
  const bump = (ip: string, by: number) => {
    const count = (byIp.get(ip) ?? 0) + by;
    if (count <= 0) byIp.delete(ip);
    else byIp.set(ip, count);
  };
  const bindPrincipal = (client: Client, principal: Principal) => {
    client.principal = principal;
    const set = byCredential.get(principal.credentialId) ?? new Set<Client>();
    byCredential.set(principal.credentialId, set);
    set.add(client);
  };
  const unbindPrincipal = (client: Client) => {
    const id = client.principal?.credentialId;
    if (id === undefined) return;
    const set = byCredential.get(id);
    set?.delete(client);
    if (set?.size === 0) byCredential.delete(id);
  };
  const refuse = (client: Client, code: WsErrorCode, message: string, closeCode: number) => {
    sendError(client, code, message);
    client.conn.close(closeCode, message.slice(0, 120));
  };

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

  const overSubscribeRate = (client: Client): boolean => {
    const at = now();
    const window = client.subscribeWindow;
    if (at - window.start >= 1_000) {
      window.start = at;
      window.count = 0;
    }
    window.count += 1;
    return window.count > limits.subscribesPerSecond;
  };

  const authenticateFrame = (client: Client, token: string) => {
    if (client.principal !== null || client.authenticating) {
      return sendError(client, WS_ERROR_CODES.badRequest, 'this connection is already authenticated');
    }
    client.authenticating = true;
    options.authenticate(token).then(
      (principal) => {
        client.authenticating = false;
        if (client.conn.closed) return;
        if (client.authTimer) clearTimeout(client.authTimer);
        client.authTimer = null;
        if (principal === null) {
          return refuse(
            client,
            WS_ERROR_CODES.unauthorized,
            'the token is expired, revoked or unknown',
            WS_CLOSE_CODES.unauthorized,
          );
        }
        if (decide(principal, 'viewer') !== 'allowed') {
          return refuse(
            client,
            WS_ERROR_CODES.forbidden,
            `a ${principal.role} token may not subscribe`,
            WS_CLOSE_CODES.forbidden,
          );
        }
        if (byCredentialCount(principal.credentialId) >= options.maxSocketsPerCredential) {
          return refuse(
            client,
            WS_ERROR_CODES.tooManyRequests,
            `at most ${options.maxSocketsPerCredential} sockets per credential`,
            WS_CLOSE_CODES.tooManySockets,
          );
        }
        bindPrincipal(client, principal);
        const frame: ServerFrame = {
          op: 'authenticated',
          name: principal.name,
          role: principal.role,
          scope: principal.scope,
        };
        send(client, JSON.stringify(frame), 'authenticated');
      },
      (err: unknown) => {
        client.authenticating = false;
        logger.warn({ err, connId: client.conn.id }, 'could not check an auth frame');
        refuse(
          client,
          WS_ERROR_CODES.internal,
          'could not check credentials, reconnect and retry',
          WS_CLOSE_CODES.internalError,
        );
      },
    );
  };

  const subscribe = (client: Client, filterIn: AlertFilter | undefined, since?: string) => {
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
    // The token's scope is ANDed in here, server-side: live alerts and replays both go by this filter.
    const effective = intersectFilters(client.principal?.scope ?? null, filterIn);
    beginSubscription(client);
    if (effective === null) {
      // The scope and the request exclude each other: a subscription that can never deliver anything.
      announce(client, canonicalFilter(filterIn));
      return;
    }
    const filter = canonicalFilter(effective);
    if (next === undefined) {
      // subscribed, then join, in one tick: the first live alert is the one after the head announced.
      if (announce(client, filter)) goLive(client, filter);
      return;
    }
    startReplay(client, filter, next);
  };

  return {
    open(conn) {
      const client: Client = {
        conn,
        principal: null,
        authTimer: null,
        authenticating: false,
        subscribeWindow: { start: 0, count: 0 },
        subscribed: false,
        group: null,
        replay: null,
        onDrain: null,
        droppedByUws: false,
      };
      clients.set(conn, client);
      bump(conn.ip, 1);
      metrics.connections.inc();
      if (conn.principal) bindPrincipal(client, conn.principal);
      else {
        client.authTimer = setTimeout(() => {
          client.authTimer = null;
          if (client.principal === null && !conn.closed) {
            refuse(
              client,
              WS_ERROR_CODES.unauthorized,
              `authenticate within ${limits.authTimeoutMs} ms: send {"op":"auth","token":"..."}`,
              WS_CLOSE_CODES.unauthorized,
            );
          }
        }, limits.authTimeoutMs);
        client.authTimer.unref?.();
      }
    },

    message(conn, text) {
      const client = clients.get(conn);
      if (!client) return;
      if (text === null)
        return sendError(client, WS_ERROR_CODES.badRequest, 'binary frames are not supported');
      const parsed = parseClientFrame(text);
      if (!parsed.ok) return sendError(client, parsed.code, parsed.message);
      const frame = parsed.frame;
      if (frame.op === 'auth') return authenticateFrame(client, frame.token);
      if (client.principal === null) {
        if (client.authenticating)
          return sendError(client, WS_ERROR_CODES.unauthorized, 'wait for the answer to your auth frame');
        return refuse(
          client,
          WS_ERROR_CODES.unauthorized,
          'authenticate first: send {"op":"auth","token":"..."} or connect with credentials',
          WS_CLOSE_CODES.unauthorized,
        );
      }
      if (frame.op === 'ping') send(client, '{"op":"pong"}', 'pong');
      else if (frame.op === 'unsubscribe') {
        endSubscription(client);
        send(client, '{"op":"unsubscribed"}', 'unsubscribed');
      } else if (overSubscribeRate(client)) {
        sendError(
          client,
          WS_ERROR_CODES.tooManyRequests,
          `at most ${limits.subscribesPerSecond} subscribes per second per connection`,
        );
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
      if (client.authTimer) clearTimeout(client.authTimer);
      unbindPrincipal(client);
      clients.delete(conn);
      bump(conn.ip, -1);
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

    countByIp: (ip) => byIp.get(ip) ?? 0,
    countByCredential: byCredentialCount,
    credentials: () => [...byCredential.keys()],
    closeCredentials: (ids, reason) =>
      closeByCredential(byCredential, ids, (client) =>
        client.conn.close(WS_CLOSE_CODES.credentialsRevoked, reason),
      ),

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
