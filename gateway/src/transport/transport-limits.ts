/** Limits of the uWS transport; each default has its reason. */
export interface TransportLimits {
  /** Largest HTTP request body (ingest batches); past it: 413, without buffering more. */
  maxBodyBytes: number;
  /** Largest client WebSocket frame: a subscribe with 200 filter values is ~10 KB; uWS closes on bigger ones. */
  maxPayloadLength: number;
  /** Seconds without traffic before uWS closes a socket; pings are sent automatically well before. */
  idleTimeoutSeconds: number;
  /**
   * uWS's own backpressure ceiling per socket (the hard limit, see fanout-limits.ts). A socket that reaches
   * it is closed by uWS without a close frame; the fan-out's cut-off (4008) sits below it.
   */
  maxBackpressure: number;
  /** How long stop() waits for HTTP handlers in flight before closing every socket. */
  stopGraceMs: number;
  /**
   * Body bytes buffered at once per client address and per credential (the Authorization header), over
   * all its requests: three full ingest bodies. Past it the request gets 429 and its connection closes.
   */
  maxInFlightBodyBytesPerClient: number;
}

export const DEFAULT_TRANSPORT_LIMITS: Readonly<TransportLimits> = Object.freeze({
  maxBodyBytes: 5 * 1024 * 1024,
  maxPayloadLength: 64 * 1024,
  idleTimeoutSeconds: 120,
  maxBackpressure: 2 * 1024 * 1024,
  stopGraceMs: 5_000,
  maxInFlightBodyBytesPerClient: 16 * 1024 * 1024,
});
