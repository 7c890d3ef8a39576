/** Limits of the fan-out; each default has its reason. */
export interface FanoutLimits {
  /**
   * A client whose unsent buffer passes this is closed with 4008 (slow consumer): 1 MiB is ~1,000
   * alerts, seconds of a burst, and bounds the gateway's memory at about this much per client.
   */
  maxBufferedBytes: number;
  /** A replaying client that does not drain below a quarter of maxBufferedBytes in this time is closed with 4008. */
  drainTimeoutMs: number;
  /** How long a cursor from a gateway ahead of this one may wait for this one to catch up. */
  aheadWaitTimeoutMs: number;
}

export const DEFAULT_FANOUT_LIMITS: Readonly<FanoutLimits> = Object.freeze({
  maxBufferedBytes: 1024 * 1024,
  drainTimeoutMs: 10_000,
  aheadWaitTimeoutMs: 10_000,
});

/**
 * The uWS `maxBackpressure` to pair with the fan-out's own cut-off. uWS silently skips (drops) frames to
 * a socket over that limit, which would be a gap; the fan-out closes a client over maxBufferedBytes on
 * every turn of the event loop in which it published, the feed publishes at most `chunkBytes` plus one
 * frame per turn, and a check can miss at most one such turn not yet flushed to the socket, so with this
 * headroom uWS's limit is never reached and no frame is ever skipped.
 */
export const hardBackpressureLimit = (
  maxBufferedBytes: number,
  chunkBytes: number,
  maxFrameBytes: number,
): number => maxBufferedBytes + 2 * (chunkBytes + maxFrameBytes) + 64 * 1024;
