/** Limits of the live event tail (`GET /api/stream/events`); each default has its reason. */
export interface TailLimits {
  /**
   * Events per second one stream sends at most (a token bucket holding one second's worth): a person reads
   * a handful per second, and the processor's 100k events/s must not become 100k frames per browser tab.
   * Matching events past it are counted and reported in `skipped` frames.
   */
  maxEventsPerSecond: number;
  /** How often a stream that dropped events is told how many (`skipped` frame). */
  skippedReportMs: number;
  /**
   * A stream silent this long gets a comment line: proxies and load balancers close idle connections
   * (nginx's proxy_read_timeout defaults to 60 s), so a quiet filter must not look dead.
   */
  heartbeatMs: number;
  /**
   * A stream whose client has not taken this many written bytes is cut off: at the rate cap a 1 KiB event
   * makes ~100 KiB/s, so this is seconds of a client that stopped reading, and bounds memory per stream.
   */
  maxBufferedBytes: number;
  /**
   * Open streams per gateway: each one's filter runs against every event the gateway consumes, so the cap
   * bounds that work (streams with the same filter share one match) as much as sockets.
   */
  maxStreams: number;
  /** Open streams per user or token: a few tabs each; a script that leaks streams meets its own cap first. */
  maxStreamsPerPrincipal: number;
  /** The SSE `retry:` a browser waits before reconnecting on its own (the dashboard uses its own backoff). */
  retryMs: number;
  /** Events decoded and fanned out between two turns of the event loop: a backlog must not starve sockets. */
  eventsPerTurn: number;
}

export const DEFAULT_TAIL_LIMITS: Readonly<TailLimits> = Object.freeze({
  maxEventsPerSecond: 100,
  skippedReportMs: 1_000,
  heartbeatMs: 15_000,
  maxBufferedBytes: 1024 * 1024,
  maxStreams: 100,
  maxStreamsPerPrincipal: 5,
  retryMs: 3_000,
  eventsPerTurn: 2_000,
});
