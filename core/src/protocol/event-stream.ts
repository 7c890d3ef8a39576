import type { Source } from '../events/sources.ts';

// The live tail of raw events (gateway/README.md, "HTTP: live event tail"): server-sent events, shared by
// the gateway that writes them and the dashboard that reads them.

/** Path of the server-sent-events stream of raw events on the gateway. */
export const EVENT_STREAM_PATH = '/api/stream/events';

/** The `event:` names of its frames; heartbeats are comment lines and carry none. */
export const EVENT_STREAM_FRAMES = {
  /** The bus consumer behind the stream is live: events published from now on are sent (up to the rate). */
  ready: 'ready',
  /** One event that matched the filter (EventStreamItem). */
  event: 'event',
  /** Matching events dropped by the per-stream rate since the last such frame (EventStreamSkipped). */
  skipped: 'skipped',
  /**
   * The server ends the stream after this frame (EventStreamEnd); the client decides whether to reconnect.
   * Not `error`: an EventSource dispatches its own connection failures as `error` events.
   */
  end: 'end',
} as const;
export type EventStreamFrame = (typeof EVENT_STREAM_FRAMES)[keyof typeof EVENT_STREAM_FRAMES];

/** Codes of `end` frames: `unauthorized` = sign in again; the others may be retried with backoff. */
export const EVENT_STREAM_ERRORS = {
  /** The session or token was revoked, expired or its user disabled while the stream was open. */
  unauthorized: 'unauthorized',
  /** The gateway could not read the bus; a reconnect later may succeed. */
  unavailable: 'unavailable',
  /** The gateway is shutting down: reconnect (to another instance). */
  goingAway: 'going_away',
} as const;
export type EventStreamErrorCode = (typeof EVENT_STREAM_ERRORS)[keyof typeof EVENT_STREAM_ERRORS];

/** The data of an `event` frame: the explorer's event shape, plus the topic of its bus position. */
export interface EventStreamItem {
  /** `<source>:<partition>:<offset>@<bus timestamp ms>`, the id GET /api/events gives the same event. */
  id: string;
  source: Source;
  /** The event's own time, ISO 8601 UTC. */
  ts: string;
  position: { topic: string; partition: number; offset: string };
  event: Record<string, unknown>;
}

export interface EventStreamReady {
  /** Events per second this stream sends at most; the rest are counted in `skipped` frames. */
  maxPerSecond: number;
}

export interface EventStreamSkipped {
  /** Matching events not sent since the previous `skipped` frame (or the stream's start). */
  skipped: number;
}

export interface EventStreamEnd {
  code: EventStreamErrorCode;
  message: string;
}
