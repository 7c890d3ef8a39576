import type { StoredEvent } from '../api/explorer-readers.ts';
import { type EventView, toEventParams } from './event-view.ts';

/** Tailed rows kept above the loaded pages; past this the oldest tailed rows are dropped (and counted). */
export const TAIL_CAP = 500;

/**
 * Whether a streamed event belongs in the view's time range. The stream has no range (it sends what
 * arrives), so an event whose own time is outside the view's, e.g. a late one before "last 15 min" or any
 * event for a custom range that has ended, is left to the pages. A relative range is taken from `now`.
 */
export function inViewRange(view: EventView, ts: string | null, now: number): boolean {
  if (ts === null) return true;
  const params = toEventParams(view, now);
  const at = Date.parse(ts);
  const from = params.get('from');
  const to = params.get('to');
  return (from === null || at >= Date.parse(from)) && (to === null || at < Date.parse(to));
}

export interface TailMerge {
  live: StoredEvent[];
  /** Rows pushed out by TAIL_CAP this time (0 or 1). */
  dropped: number;
  added: boolean;
}

/**
 * Puts a streamed event on top unless it is shown already (`known`: the ids of the pages and the tail, which
 * the stream shares with GET /api/events), keeping at most TAIL_CAP tailed rows.
 */
export function prependEvent(
  live: readonly StoredEvent[],
  event: StoredEvent,
  known: Set<string>,
): TailMerge {
  if (known.has(event.id)) return { live: live as StoredEvent[], dropped: 0, added: false };
  known.add(event.id);
  const merged = [event, ...live];
  return { live: merged.slice(0, TAIL_CAP), dropped: Math.max(0, merged.length - TAIL_CAP), added: true };
}
