import type { Alert } from '@vigil/core';

// DESIGN "WebSocket protocol": an `update` frame carries the full current state of an episode, and clients
// replace by `id` when `revision` is higher. Every view of the dashboard applies updates through these.

/** An alert's revision; a record from before episodes has none and counts as the first. */
export const revisionOf = (alert: Alert): number => alert.revision ?? 1;

/** True when `next` is a later state of the same episode than `current`. */
export const isNewer = (next: Alert, current: Alert): boolean => revisionOf(next) > revisionOf(current);

/** The latest state of each episode among `alerts` (one animation frame may carry several revisions of one). */
export function latestById(alerts: Iterable<Alert>): Map<string, Alert> {
  const latest = new Map<string, Alert>();
  for (const alert of alerts) {
    const known = latest.get(alert.id);
    if (!known || isNewer(alert, known)) latest.set(alert.id, alert);
  }
  return latest;
}

/**
 * Replaces each item whose alert has a newer state in `updates`, in place (same position, nothing added):
 * an older or equal revision (a duplicate, or the echo of a change this tab already has) changes nothing.
 * Answers the same array when nothing changed, so a view does not re-render.
 */
export function replaceNewer<T>(
  items: readonly T[],
  updates: ReadonlyMap<string, Alert>,
  get: (item: T) => Alert,
  set: (item: T, alert: Alert) => T,
): T[] {
  if (updates.size === 0) return items as T[];
  let changed = false;
  const next = items.map((item) => {
    const current = get(item);
    const update = updates.get(current.id);
    if (!update || !isNewer(update, current)) return item;
    changed = true;
    return set(item, update);
  });
  return changed ? next : (items as T[]);
}

/** replaceNewer for a plain list of alerts. */
export const replaceAlerts = (alerts: readonly Alert[], updates: ReadonlyMap<string, Alert>): Alert[] =>
  replaceNewer(
    alerts,
    updates,
    (a) => a,
    (_, a) => a,
  );
