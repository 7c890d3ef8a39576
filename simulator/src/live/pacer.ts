import type { EventGenerator } from '../generator/create-event-generator.ts';
import type { GeneratedEvent } from '../generator/event-types.ts';

/**
 * Decides which generated events are due. Paced, an event is due once the clock reaches its event time, so
 * a live run's `ts` is the wall time it was sent at (to within one tick). Unpaced, everything is due at once
 * and simulated time runs as fast as the publisher takes it.
 */
export interface PacerOptions {
  generator: EventGenerator;
  now: () => number;
  paced: boolean;
  /** Event time at which the run ends (exclusive); none by default. */
  endTime?: number;
}

export interface Pacer {
  /** The events due now, oldest first, at most `limit`. */
  take(limit: number): GeneratedEvent[];
  /** Milliseconds until the next event is due: 0 when one is due (always, unpaced). */
  waitMs(): number;
  /** How far the oldest due event is behind the clock (0 unpaced or on time). */
  lagMs(): number;
  /** True once every event before the end time has been taken. */
  readonly finished: boolean;
}

export function createPacer({
  generator,
  now,
  paced,
  endTime = Number.POSITIVE_INFINITY,
}: PacerOptions): Pacer {
  const finished = () => generator.peekTime() >= endTime;
  return {
    take(limit) {
      const until = paced ? Math.min(now(), endTime - 1) : endTime - 1;
      const out: GeneratedEvent[] = [];
      while (out.length < limit && generator.peekTime() <= until) out.push(generator.next());
      return out;
    },
    waitMs() {
      if (!paced) return 0;
      return Math.max(0, generator.peekTime() - now());
    },
    lagMs() {
      if (!paced) return 0;
      return Math.max(0, now() - generator.peekTime());
    },
    get finished() {
      return finished();
    },
  };
}
