import type { Alert } from '@vigil/core';

/** The REST order of `GET /api/alerts`: newest detection first, then id descending. */
export const newestFirst = (a: Alert, b: Alert): number =>
  Date.parse(b.detectedAt) - Date.parse(a.detectedAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export interface InsertOptions {
  /** Ids the list already shows (updates of those are replaced in place, not inserted). */
  known: ReadonlySet<string>;
  /** Whether the episode's new state belongs in the list: its filters and time range. */
  matches: (alert: Alert) => boolean;
  /** True when every page is loaded; otherwise an episode older than the last row is left to the next page. */
  complete: boolean;
}

/**
 * Puts episodes that changed elsewhere and now belong in a list (an alert acknowledged in another tab, on a
 * list of acknowledged alerts) at their place in the REST order. One older than the last loaded row, while
 * more pages exist, is left out: the next page brings it in its current state. The same array when none fits.
 */
export function insertMatching(
  items: readonly Alert[],
  candidates: Iterable<Alert>,
  { known, matches, complete }: InsertOptions,
): Alert[] {
  const last = items.at(-1);
  const fits = [...candidates].filter(
    (a) => !known.has(a.id) && matches(a) && (complete || (last !== undefined && newestFirst(a, last) < 0)),
  );
  if (fits.length === 0) return items as Alert[];
  return [...items, ...fits].sort(newestFirst);
}
