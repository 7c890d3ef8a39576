import type { EventGenerator } from '../generator/create-event-generator.ts';
import type { GeneratedEvent } from '../generator/event-types.ts';

/** Every event of a generator up to (excluding) event time `until`. */
export function collectUntil(generator: EventGenerator, until: number): GeneratedEvent[] {
  const out: GeneratedEvent[] = [];
  while (generator.peekTime() < until) out.push(generator.next());
  return out;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
/** 2026-11-21T14:00:00Z: mid-afternoon UTC, near the diurnal peak (the worst case for noise). */
export const PEAK_TIME = Date.UTC(2026, 10, 21, 14, 0, 0);
