import {
  type Backoff,
  backoffDelay,
  EVENT_STREAM_ERRORS,
  EVENT_STREAM_FRAMES,
  type EventStreamFrame,
  UI_RECONNECT,
} from '@vigil/core';
import { readEventPage, type StoredEvent } from '../api/explorer-readers.ts';
import type { Timers } from '../stream/socket-like.ts';

/** Callbacks an EventSource factory wires to the transport (the browser's EventSource, or a fake in tests). */
export interface EventSourceHandlers {
  /** A named frame of the stream, its data as text. */
  frame(name: EventStreamFrame, data: string): void;
  /** The connection failed; `refused`: the server answered something else than a stream (EventSource gave up). */
  error(refused: boolean): void;
}

export interface EventSourceLike {
  close(): void;
}

export type EventSourceFactory = (url: string, handlers: EventSourceHandlers) => EventSourceLike;

/**
 * The status a plain GET of `url` gets, or null when it gets none (network down). An EventSource cannot say
 * why it was refused, so after a refusal the client asks once: 401 and 403 stop it, anything else backs off.
 */
export type StatusProbe = (url: string) => Promise<number | null>;

/** What the tail's connection is doing; drives the label beside the toggle. */
export type TailConnection =
  | { status: 'idle' }
  | { status: 'connecting' }
  | { status: 'live' }
  | { status: 'reconnecting'; attempt: number; retryAt: number }
  /** 401, 403 or an `unauthorized` end frame: no reconnect with these credentials. */
  | { status: 'stopped'; reason: 'signed-out' | 'forbidden' };

export interface EventTailStreamOptions {
  /** Same origin: the browser sends the session cookie with it. */
  url: string;
  source: EventSourceFactory;
  probe: StatusProbe;
  timers: Timers;
  now: () => number;
  random: () => number;
  /** Default core's UI_RECONNECT (500 ms doubling to 30 s, half of each wait random). */
  backoff?: Partial<Backoff>;
  /** Each event the server sent, in stream order. */
  onEvent(event: StoredEvent): void;
  /** The server dropped this many matching events (its rate cap). */
  onSkipped(count: number): void;
  onState(state: TailConnection): void;
  /** Live again after a reconnect: events of the time between were not streamed. */
  onResumed?(): void;
  onSignedOut?(): void;
}

export interface EventTailStream {
  start(): void;
  stop(): void;
  readonly state: TailConnection;
}

const parse = (data: string): unknown => {
  try {
    return JSON.parse(data);
  } catch {
    return null; // not ours: skipped like any frame the reader cannot use
  }
};

/**
 * The live tail's client of `GET /api/stream/events` (gateway README, "HTTP: live event tail"): events as
 * they come, `skipped` counts, and its own reconnect with capped, jittered backoff (the browser's fixed
 * `retry` would have every tab return at once), stopping on 401/403. Framework-free, unit-tested with a fake
 * EventSource and fake timers.
 */
export function createEventTailStream(options: EventTailStreamOptions): EventTailStream {
  const { timers } = options;
  const backoff: Backoff = { ...UI_RECONNECT, ...options.backoff };
  let state: TailConnection = { status: 'idle' };
  let source: EventSourceLike | null = null;
  let generation = 0;
  let attempt = 0;
  let wasLive = false;
  let retryTimer: unknown = null;

  const setState = (next: TailConnection) => {
    state = next;
    options.onState(next);
  };
  const drop = () => {
    generation += 1;
    source?.close();
    source = null;
    if (retryTimer !== null) timers.clear(retryTimer);
    retryTimer = null;
  };
  const stopFor = (reason: 'signed-out' | 'forbidden') => {
    drop();
    setState({ status: 'stopped', reason });
    if (reason === 'signed-out') options.onSignedOut?.();
  };
  const retryLater = () => {
    drop();
    attempt += 1;
    const delay = backoffDelay(attempt, backoff, options.random);
    setState({ status: 'reconnecting', attempt, retryAt: options.now() + delay });
    retryTimer = timers.set(connect, delay);
  };

  const onFrame = (name: EventStreamFrame, data: string) => {
    switch (name) {
      case EVENT_STREAM_FRAMES.ready:
        attempt = 0;
        if (wasLive) options.onResumed?.();
        wasLive = true;
        setState({ status: 'live' });
        return;
      case EVENT_STREAM_FRAMES.event: {
        const [event] = readEventPage({ items: [parse(data)] }).items;
        if (event) options.onEvent(event);
        return;
      }
      case EVENT_STREAM_FRAMES.skipped: {
        const count = (parse(data) as { skipped?: unknown } | null)?.skipped;
        if (typeof count === 'number' && count > 0) options.onSkipped(count);
        return;
      }
      case EVENT_STREAM_FRAMES.end: {
        const code = (parse(data) as { code?: unknown } | null)?.code;
        if (code === EVENT_STREAM_ERRORS.unauthorized) stopFor('signed-out');
        else retryLater(); // going away, bus unavailable: another try, later
        return;
      }
    }
  };

  const onError = async (refused: boolean, mine: number) => {
    // Either way the browser's own retry is not used: ours backs off and can tell why it was refused.
    source?.close();
    source = null;
    if (!refused) return retryLater();
    const status = await options.probe(options.url);
    if (mine !== generation) return; // stopped or restarted meanwhile
    if (status === 401) stopFor('signed-out');
    else if (status === 403) stopFor('forbidden');
    else retryLater();
  };

  function connect() {
    drop();
    const mine = generation;
    setState({ status: 'connecting' });
    source = options.source(options.url, {
      frame: (name, data) => {
        if (mine === generation) onFrame(name, data);
      },
      error: (refused) => {
        if (mine === generation) void onError(refused, mine);
      },
    });
  }

  return {
    start() {
      attempt = 0;
      wasLive = false;
      connect();
    },
    stop() {
      drop();
      setState({ status: 'idle' });
    },
    get state() {
      return state;
    },
  };
}

/** Words for the label beside the toggle ("live tail …"). */
export function describeTail(state: TailConnection): string {
  switch (state.status) {
    case 'idle':
    case 'connecting':
      return 'connecting…';
    case 'live':
      return 'on';
    case 'reconnecting':
      return 'reconnecting…';
    case 'stopped':
      return state.reason === 'forbidden' ? 'not allowed for this role' : 'stopped: signed out';
  }
}

/** Adapts the browser's EventSource: named frames only (the stream sends no unnamed ones). */
export const browserEventSource: EventSourceFactory = (url, handlers) => {
  const source = new EventSource(url);
  for (const name of Object.values(EVENT_STREAM_FRAMES)) {
    source.addEventListener(name, (event) => handlers.frame(name, (event as MessageEvent<string>).data));
  }
  // CLOSED: the answer was not a stream (a 401, a 429, a proxy's 502) and the browser gave up on it.
  source.onerror = () => handlers.error(source.readyState === EventSource.CLOSED);
  return { close: () => source.close() };
};

/** A GET of the stream, read no further than its status line, so a refusal can be told apart. */
export const fetchStatus: StatusProbe = async (url) => {
  const abort = new AbortController();
  try {
    const response = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
    return response.status;
  } catch {
    return null; // the network or the gateway is down: back off and try again
  } finally {
    abort.abort(); // a 200 is a stream: leave it at once
  }
};
