import {
  type Alert,
  type AlertFilter,
  type Backoff,
  backoffDelay,
  type ClientFrame,
  UI_RECONNECT,
  WS_CLOSE_CODES,
  WS_ERROR_CODES,
} from '@vigil/core';
import type { ConnectionState } from './connection-state.ts';
import { parseServerFrame } from './parse-frame.ts';
import { SeenIds } from './seen-ids.ts';
import type { SocketFactory, SocketLike, Timers } from './socket-like.ts';

/** Keepalive period: well under any idle timeout a gateway or proxy is likely to use. */
const PING_INTERVAL_MS = 25_000;
/** No frame at all this long after a ping: the TCP connection is presumed dead (sleep, lost Wi-Fi). */
const PONG_TIMEOUT_MS = 10_000;
/** Ids remembered for deduplication: far more than a replay after a reconnect can carry. */
const DEDUPE_CAPACITY = 10_000;
/**
 * Close codes after which a reconnect with the same credentials cannot succeed: unauthorized (4001: no or
 * an expired session), forbidden (4003: a role that may not subscribe), credentials revoked (4011: signed
 * out, password changed, user disabled). Retrying would loop; the user must sign in again.
 */
export const SIGNED_OUT_CLOSE_CODES: ReadonlySet<number> = new Set([
  WS_CLOSE_CODES.unauthorized,
  WS_CLOSE_CODES.forbidden,
  WS_CLOSE_CODES.credentialsRevoked,
]);

export interface StreamProblem {
  kind: 'protocol' | 'server' | 'transport';
  code?: string;
  message: string;
}

export interface AlertStreamOptions {
  url: string;
  socket: SocketFactory;
  timers: Timers;
  now: () => number;
  random: () => number;
  /** Default core's UI_RECONNECT (500 ms doubling to 30 s, half of each wait random). */
  backoff?: Partial<Backoff>;
  pingIntervalMs?: number;
  pongTimeoutMs?: number;
  dedupeCapacity?: number;
  /** Each alert once, in stream order, with the local time it arrived. */
  onAlert(alert: Alert, receivedAt: number): void;
  /** The new state of an episode already announced (higher `revision`); without a handler, updates are skipped. */
  onUpdate?(alert: Alert, receivedAt: number): void;
  onState(state: ConnectionState): void;
  /** The gateway no longer holds our cursor: alerts may have been missed, reload from REST. */
  onResync?(): void;
  onProblem?(problem: StreamProblem): void;
  /** Closed with one of SIGNED_OUT_CLOSE_CODES: the stream has stopped; sign in again, then start it anew. */
  onSignedOut?(closeCode: number): void;
}

export interface AlertStream {
  start(): void;
  stop(): void;
  /** Replaces the subscription; resumes from the last cursor, so the seam has no gap. */
  setFilter(filter: AlertFilter): void;
  /** Mirrors the browser's online/offline events: offline stops retrying until the network returns. */
  setOnline(online: boolean): void;
  /** Skips the rest of the backoff delay (the "retry now" button). */
  retryNow(): void;
  readonly state: ConnectionState;
  readonly cursor: string | null;
}

/**
 * The WebSocket protocol client (gateway/README.md, "WebSocket: protocol"): subscribe, track the cursor,
 * reconnect with capped, jittered backoff and resume with `since`, drop duplicate ids.
 * Framework-free, so it is unit-tested with a fake socket and fake timers.
 */
export function createAlertStream(options: AlertStreamOptions): AlertStream {
  const { timers, now } = options;
  const backoff: Backoff = { ...UI_RECONNECT, ...options.backoff };
  const seen = new SeenIds(options.dedupeCapacity ?? DEDUPE_CAPACITY);
  let state: ConnectionState = { status: 'idle' };
  let socket: SocketLike | null = null;
  let opened = false;
  // Bumped whenever a socket is abandoned, so its late callbacks are ignored.
  let generation = 0;
  let attempt = 0;
  let cursor: string | null = null;
  let filter: AlertFilter = {};
  let running = false;
  let online = true;
  let retryTimer: unknown = null;
  let pingTimer: unknown = null;
  let pongTimer: unknown = null;

  const setState = (next: ConnectionState) => {
    state = next;
    options.onState(next);
  };
  const clear = (handle: unknown) => {
    if (handle !== null) timers.clear(handle);
  };
  const clearTimers = () => {
    clear(retryTimer);
    clear(pingTimer);
    clear(pongTimer);
    retryTimer = pingTimer = pongTimer = null;
  };

  const send = (frame: ClientFrame) => {
    if (!socket) return;
    try {
      socket.send(JSON.stringify(frame));
    } catch (err) {
      // A send on a socket that is closing: its close event follows and triggers the reconnect.
      options.onProblem?.({ kind: 'transport', message: (err as Error).message });
    }
  };
  const subscribe = () => send({ op: 'subscribe', filter, ...(cursor ? { since: cursor } : {}) });

  const schedulePing = () => {
    pingTimer = timers.set(() => {
      send({ op: 'ping' });
      clear(pongTimer);
      pongTimer = timers.set(() => {
        const dead = socket;
        abandonSocket();
        dead?.close(WS_CLOSE_CODES.clientTimeout, 'no answer to ping');
        onClosed(null);
      }, options.pongTimeoutMs ?? PONG_TIMEOUT_MS);
      schedulePing();
    }, options.pingIntervalMs ?? PING_INTERVAL_MS);
  };

  const onMessage = (data: unknown) => {
    clear(pongTimer); // any frame proves the connection is alive
    pongTimer = null;
    const parsed = parseServerFrame(data);
    if (!parsed.ok) {
      options.onProblem?.({ kind: 'protocol', message: parsed.reason });
      return;
    }
    const frame = parsed.frame;
    switch (frame.op) {
      case 'subscribed':
        attempt = 0; // reset only once the gateway answers, so a flapping server still backs off
        if (cursor === null) cursor = frame.cursor;
        if (state.status !== 'live') setState({ status: 'live', since: now() });
        return;
      case 'alert':
        cursor = frame.cursor;
        if (seen.add(frame.alert.id)) options.onAlert(frame.alert, now());
        return;
      case 'update':
        // The cursor moves past updates too, so a resume does not send them again.
        cursor = frame.cursor;
        options.onUpdate?.(frame.alert, now());
        return;
      case 'error':
        if (frame.code === WS_ERROR_CODES.cursorExpired) {
          cursor = null;
          subscribe();
          options.onResync?.();
          return;
        }
        options.onProblem?.({ kind: 'server', code: frame.code, message: frame.message });
        return;
      default:
        return; // pong and unsubscribed carry nothing to act on
    }
  };

  function abandonSocket() {
    generation += 1;
    socket = null;
    opened = false;
    clearTimers();
  }

  function onClosed(code: number | null) {
    abandonSocket();
    if (!running || !online) return;
    if (code !== null && SIGNED_OUT_CLOSE_CODES.has(code)) {
      running = false;
      setState({ status: 'signed-out', closeCode: code });
      options.onSignedOut?.(code);
      return;
    }
    const delay = backoffDelay(attempt + 1, backoff, options.random); // attempt counts the retries made
    attempt += 1;
    setState({ status: 'reconnecting', attempt, retryAt: now() + delay, closeCode: code });
    retryTimer = timers.set(connect, delay);
  }

  function connect() {
    abandonSocket();
    const mine = generation;
    const current = () => mine === generation;
    setState({ status: 'connecting', attempt });
    try {
      socket = options.socket(options.url, {
        open: () => {
          if (!current()) return;
          opened = true;
          subscribe();
          schedulePing();
        },
        message: (data) => {
          if (current()) onMessage(data);
        },
        // The browser always follows an error with close, which is where the reconnect happens.
        error: () => {
          if (current()) options.onProblem?.({ kind: 'transport', message: 'socket error' });
        },
        close: (code) => {
          if (current()) onClosed(code);
        },
      });
    } catch (err) {
      options.onProblem?.({ kind: 'transport', message: (err as Error).message });
      onClosed(null);
    }
  }

  return {
    start() {
      if (running) return;
      running = true;
      if (online) connect();
      else setState({ status: 'offline' });
    },
    stop() {
      running = false;
      const old = socket;
      abandonSocket();
      old?.close(1000, 'client stopped');
      setState({ status: 'idle' });
    },
    setFilter(next) {
      filter = next;
      if (opened) subscribe();
    },
    setOnline(next) {
      if (next === online) return;
      online = next;
      if (!running) return;
      if (!online) {
        const old = socket;
        abandonSocket();
        old?.close(1000, 'browser offline');
        setState({ status: 'offline' });
      } else {
        attempt = 0;
        connect();
      }
    },
    retryNow() {
      if (running && online && state.status === 'reconnecting') connect();
    },
    get state() {
      return state;
    },
    get cursor() {
      return cursor;
    },
  };
}
