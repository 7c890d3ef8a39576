import { deriveSeed } from '../random/hash.ts';

/**
 * Event ids are `sim-<run>-<seq>`: `run` is 8 hex digits derived from the seed and the start time, `seq`
 * counts events in decimal (`sim-<run>-x<n>-<k>` for the k-th event of the n-th injected scenario).
 * Deterministic for one seed and start, and different for a new start: the processor treats a repeated
 * id as a redelivery, so two live runs with the same seed must not share ids.
 */
export const runTag = (seed: number, startTime: number): string =>
  deriveSeed(seed, 'run', startTime).toString(16).padStart(8, '0');

export const noiseEventId = (run: string, seq: number): string => `sim-${run}-${seq}`;

export const scenarioEventId = (run: string, injection: number, index: number): string =>
  `sim-${run}-x${injection}-${index}`;

/**
 * ISO 8601 for epoch ms, as `Date#toISOString` gives it. It formats a date once per second and appends the
 * milliseconds, because formatting a Date costs more than building the rest of an event.
 */
export function createIsoClock(): (ms: number) => string {
  let second = Number.NaN;
  let prefix = '';
  return (ms) => {
    const s = Math.floor(ms / 1000);
    if (s !== second) {
      second = s;
      prefix = new Date(s * 1000).toISOString().slice(0, 20); // 2026-11-21T14:03:05.
    }
    const rest = ms - s * 1000;
    return `${prefix}${rest < 10 ? '00' : rest < 100 ? '0' : ''}${rest}Z`;
  };
}
