import type { HistoryWindow } from '../live/live-types.ts';

/**
 * Where the alerts after a cursor come from (`next` = the first offset the client has not seen):
 * - `ring`: next ∈ [from, head], all in memory: replay (in slices of the scan budget) and join the live group
 *   in the tick of the last slice;
 * - `bus`: next < from, older than the ring: read [next, from) from the bus first, then plan again;
 * - `ahead`: next > head, a cursor from a gateway that is ahead of this one: wait until this one catches up.
 */
export type ResumeStep = 'ring' | 'bus' | 'ahead';

export function planResume(next: number, window: HistoryWindow): ResumeStep {
  if (next < window.from) return 'bus';
  if (next > window.head) return 'ahead';
  return 'ring';
}

/**
 * Whether the bus can still serve a `bus` or `ahead` step: a cursor older than the oldest retained
 * alert, or beyond the newest one the topic ever held (another topic with the same epoch, e.g. one
 * deleted and created again), can never be honoured and is answered with cursor_expired.
 */
export function busVerdict(
  step: Exclude<ResumeStep, 'ring'>,
  next: number,
  bounds: { low: number; high: number },
): 'ok' | 'expired' {
  if (step === 'bus') return next < bounds.low ? 'expired' : 'ok';
  return next > bounds.high ? 'expired' : 'ok';
}
