import { nowMs, sleep } from '../lib/clock.ts';
import type { RunStepResult } from './fanout-protocol.ts';

export interface DriveRateOptions {
  rate: number;
  durationMs: number;
  /** Publishes `count` alerts now, each stamped with its own publish time. */
  publish: (count: number) => void | Promise<void>;
  /** Timer period: 5 ms keeps the batching jitter small next to the latencies measured. */
  tickMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Alerts one tick may publish, in ticks' worth: enough to catch up after a GC pause or a busy turn
 * within a few ticks, small enough that one batch on a slow server (10 ms per alert at 10k clients on
 * `ws`) overshoots the step by a bounded amount.
 */
const CATCH_UP_TICKS = 10;

/**
 * Publishes `rate` alerts/s for `durationMs`, catching up after a late tick but at most ten ticks'
 * worth at once, and stopping at the deadline (+5 %) whatever is left: a server that cannot keep up
 * publishes fewer alerts (its publish rate shows it) instead of stretching the step without bound.
 */
export async function driveRate(options: DriveRateOptions): Promise<RunStepResult> {
  const { rate, durationMs } = options;
  const tickMs = options.tickMs ?? 5;
  const now = options.now ?? nowMs;
  const pause = options.sleep ?? sleep;
  const total = Math.round((rate * durationMs) / 1000);
  const maxPerTick = Math.max(1, Math.ceil((rate * tickMs * CATCH_UP_TICKS) / 1000));
  const deadline = durationMs * 1.05 + 20;
  const startedAt = now();
  let lastTick = startedAt;
  let maxTickGapMs = 0;
  let published = 0;
  while (published < total) {
    const tick = now();
    maxTickGapMs = Math.max(maxTickGapMs, tick - lastTick);
    lastTick = tick;
    const elapsed = tick - startedAt;
    if (elapsed > deadline) break;
    const due = Math.min(total, Math.floor((rate * elapsed) / 1000)) - published;
    const count = Math.min(due, maxPerTick);
    if (count > 0) {
      await options.publish(count);
      published += count;
    }
    await pause(tickMs);
  }
  return { published, startedAt, endedAt: now(), maxTickGapMs: Math.round(maxTickGapMs * 10) / 10 };
}
