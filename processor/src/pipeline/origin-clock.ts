/**
 * What one partition of the repartition topic knows of the event partitions its copies come from (its
 * origins). Two jobs:
 *
 * - Duplicates. An origin's copies reach a repartition partition in the origin's offset order (stage one
 *   publishes a batch's copies and waits before the next batch), and whoever republishes after a crash or
 *   rebalance starts again at or before the first offset not yet published. So a copy whose origin offset is
 *   not above the highest one seen from that origin was delivered already: skipping it keeps counts exact.
 * - Event time. A merged stream may only call an event late once every origin has moved past it. Its stream
 *   time is the lowest of the origins' highest event times (as Flink aligns watermarks over input channels),
 *   so a partition held up by a crashed processor does not make its events late when they come after the
 *   takeover. An origin silent for `idleMs` of wall-clock time no longer holds the others back (a source
 *   that stopped, or one with few relevant events); its next copy counts it in again.
 *
 * Memory: one entry per origin partition, i.e. at most the event topics' partition count.
 */
export interface OriginClockOptions {
  /** Wall-clock silence after which an origin stops holding stream time back (longer than a takeover). */
  idleMs: number;
  /**
   * Every origin that may send copies (`<topic>:<partition>` of the source's event partitions), known from
   * the start: one not heard from yet holds stream time back until it has been idle for `idleMs`, so the
   * first origin to catch up a backlog does not make the others' events late.
   */
  expected: readonly string[];
  now: number;
}

interface Origin {
  maxOffset: number;
  maxEventTime: number;
  lastSeenAt: number;
}

export function createOriginClock(options: OriginClockOptions) {
  const origins = new Map<string, Origin>();
  for (const id of options.expected)
    origins.set(id, { maxOffset: -1, maxEventTime: Number.NEGATIVE_INFINITY, lastSeenAt: options.now });
  let duplicates = 0;

  return {
    /**
     * Records a copy from `origin` (its topic and partition) at `offset`; false when it is a redelivery of one
     * seen already, which must then be skipped.
     */
    admit(origin: string, offset: number, eventTime: number, now: number): boolean {
      const known = origins.get(origin);
      if (!known) {
        origins.set(origin, { maxOffset: offset, maxEventTime: eventTime, lastSeenAt: now });
        return true;
      }
      if (offset <= known.maxOffset) {
        duplicates++;
        return false;
      }
      known.maxOffset = offset;
      known.lastSeenAt = now;
      if (eventTime > known.maxEventTime) known.maxEventTime = eventTime;
      return true;
    },

    /** Event time every active origin has reached: the lowest of their highest; -∞ before any copy. */
    streamTime(now: number): number {
      let lowest = Number.POSITIVE_INFINITY;
      let highest = Number.NEGATIVE_INFINITY;
      for (const o of origins.values()) {
        if (o.maxEventTime > highest) highest = o.maxEventTime;
        if (now - o.lastSeenAt <= options.idleMs && o.maxEventTime < lowest) lowest = o.maxEventTime;
      }
      // Every origin idle: nothing is on its way, so everything seen so far is the stream's time.
      return lowest === Number.POSITIVE_INFINITY ? highest : lowest;
    },

    stats: () => ({ origins: origins.size, duplicates }),
  };
}

export type OriginClock = ReturnType<typeof createOriginClock>;
