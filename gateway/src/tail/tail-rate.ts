/**
 * A token bucket of one second's worth of events: a stream may send `perSecond` events in a burst, then
 * one every 1/perSecond s. What it refuses is counted until `takeSkipped` reads it.
 */
export interface TailRate {
  /** True when one more event may be sent at `now` (epoch ms); else the event counts as skipped. */
  take(now: number): boolean;
  /** Events refused since the last call, and starts counting again from zero. */
  takeSkipped(): number;
}

export function createTailRate(perSecond: number, now: number): TailRate {
  let tokens = perSecond;
  let at = now;
  let skipped = 0;
  return {
    take(time) {
      if (time > at) {
        tokens = Math.min(perSecond, tokens + ((time - at) * perSecond) / 1000);
        at = time;
      }
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      skipped += 1;
      return false;
    },
    takeSkipped() {
      const n = skipped;
      skipped = 0;
      return n;
    },
  };
}
