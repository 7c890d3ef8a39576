/** Limits of the fan-out; each default has its reason. */
export interface FanoutLimits {
  /**
   * A client whose unsent buffer passes this is closed with 4008 (slow consumer): 1 MiB is ~1,000
   * alerts, seconds of a burst, and bounds the gateway's memory at about this much per client.
   */
  maxBufferedBytes: number;
  /**
   * Frame bytes published between two slow-client checks: the check runs on the next turn of the event
   * loop once this much went out since the last one. The live gateway sets it to the feed's chunkBytes.
   */
  checkBytes: number;
  /** Below checkBytes, the check still runs this long after something was published: a slow client is cut soon. */
  checkIntervalMs: number;
  /** A replaying client that does not drain below a quarter of maxBufferedBytes in this time is closed with 4008. */
  drainTimeoutMs: number;
  /** How long a cursor from a gateway ahead of this one may wait for this one to catch up. */
  aheadWaitTimeoutMs: number;
  /** A socket opened without credentials has this long to send its `auth` frame (DESIGN.md: 5 s). */
  authTimeoutMs: number;
  /**
   * Subscribes one connection may send per second: each may start a replay, so a flood of them from one
   * socket is refused (`too_many_requests`) instead of queueing work for everyone.
   */
  subscribesPerSecond: number;
}

export const DEFAULT_FANOUT_LIMITS: Readonly<FanoutLimits> = Object.freeze({
  maxBufferedBytes: 1024 * 1024,
  checkBytes: 256 * 1024,
  checkIntervalMs: 100,
  drainTimeoutMs: 10_000,
  aheadWaitTimeoutMs: 10_000,
  authTimeoutMs: 5_000,
  subscribesPerSecond: 10,
});

/**
 * The uWS `maxBackpressure` to pair with the fan-out's own cut-off. uWS silently skips (drops) frames to
 * a socket over that limit, which would be a gap, so the headroom above maxBufferedBytes covers
 * everything that can reach a socket between two checks of its buffer: under `checkBytes` published
 * since the last check, then the turn that crossed it (the feed publishes at most `chunkBytes` plus one
 * frame per turn), then one more turn uWS may not have flushed yet when the check reads the buffer.
 * uWS's limit is then never reached and no frame is ever skipped.
 */
export const hardBackpressureLimit = (sizes: {
  maxBufferedBytes: number;
  checkBytes: number;
  chunkBytes: number;
  maxFrameBytes: number;
}): number =>
  sizes.maxBufferedBytes + sizes.checkBytes + 2 * (sizes.chunkBytes + sizes.maxFrameBytes) + 64 * 1024;
