import { FEED_START } from '@vigil/core';

/** Limits of the alert feed; each default has its reason. */
export interface FeedLimits {
  /** Alerts kept for resume: ≈ 100k × ~1 KB frames ≈ 100 MB at most (also capped by ringMaxBytes). */
  ringMaxAlerts: number;
  /** Hard memory cap of the ring's frames, whatever the alert size. */
  ringMaxBytes: number;
  /** Newest alerts read into the ring at start, so clients reconnecting after a restart resume from memory. */
  preloadAlerts: number;
  /** Offsets back in which a repeated alert id counts as a republished duplicate (a processor crash replays seconds). */
  dedupeWindow: number;
  /** Largest alert record accepted; bigger ones are counted as bad (an alert is ~1 KB). Bounds one frame. */
  maxAlertBytes: number;
  /** Frame bytes fanned out between two slow-client checks (see fanout); bounds buffer growth between checks. */
  chunkBytes: number;
  /** Bus replays (cursors older than the ring) running at once; more wait their turn. Each is a consumer. */
  maxConcurrentReplays: number;
  /** A bus read that gets no batch for this long fails (the client gets an `internal` error and may retry). */
  replayIdleTimeoutMs: number;
  /** Tries of start() on retriable bus errors (a broker still loading its group coordinator), with backoff. */
  startAttempts: number;
}

export const DEFAULT_FEED_LIMITS: Readonly<FeedLimits> = Object.freeze({
  ringMaxAlerts: 100_000,
  ringMaxBytes: 128 * 1024 * 1024,
  preloadAlerts: 10_000,
  dedupeWindow: 10_000,
  maxAlertBytes: 256 * 1024,
  chunkBytes: 256 * 1024,
  maxConcurrentReplays: 4,
  replayIdleTimeoutMs: 15_000,
  startAttempts: FEED_START.attempts,
});
