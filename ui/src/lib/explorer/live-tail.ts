import type { Alert } from '@vigil/core';
import type { StoredEvent } from '../api/explorer-readers.ts';
import { type EventView, toEventParams } from './event-view.ts';

/** Tailed rows kept above the loaded pages; past this the oldest tailed rows are dropped (and counted). */
export const TAIL_CAP = 500;

// The alert fields that name a value of an event filter: the alert's own service and userId, else its key
// (`host=web-1`, `ip=10.0.0.5`, `userId=alice`: the field the rule counted by).
function alertValue(alert: Alert, field: 'service' | 'host' | 'userId' | 'ip'): string | null {
  if (field === 'service' && alert.service) return alert.service;
  if (field === 'userId' && alert.userId) return alert.userId;
  const eq = alert.key.indexOf('=');
  return eq > 0 && alert.key.slice(0, eq) === field ? alert.key.slice(eq + 1) : null;
}

/**
 * Whether a live alert says that events of this view have arrived, so the tail should re-query. The alert
 * stream is the tail's only push (the WebSocket carries alerts, and the dashboard never polls): an alert
 * of a view's source, service, host, user or ip was raised by such events. Level, action and text cannot
 * be told from an alert; the re-query applies them. A custom range that ends before the alert's event
 * time cannot gain events by it.
 */
export function alertTouchesView(alert: Alert, view: EventView): boolean {
  if (view.source.length > 0 && !view.source.includes(alert.source)) return false;
  if (view.to !== null && Date.parse(alert.eventTime) >= Date.parse(view.to)) return false;
  for (const field of ['service', 'host', 'userId', 'ip'] as const) {
    if (view[field].length === 0) continue;
    const value = alertValue(alert, field);
    if (value === null || !view[field].includes(value)) return false;
  }
  return true;
}

/**
 * The tail's re-query: the view's filters, from the newest event time shown (inclusive, so events at that
 * instant are not lost; the ids already shown are skipped on merge), or the view's own start when later.
 */
export function tailParams(
  view: EventView,
  now: number,
  newestTs: string | null,
  limit: number,
): URLSearchParams {
  const params = toEventParams(view, now, { limit });
  const from = params.get('from');
  if (newestTs !== null && (from === null || Date.parse(newestTs) > Date.parse(from)))
    params.set('from', newestTs);
  return params;
}

export interface TailMerge {
  live: StoredEvent[];
  /** Rows pushed out by TAIL_CAP this time. */
  dropped: number;
  added: number;
}

/** Prepends the re-query's events not shown yet (`known` ids are updated), newest first, capped. */
export function mergeTail(
  live: readonly StoredEvent[],
  fresh: readonly StoredEvent[],
  known: Set<string>,
): TailMerge {
  const added = fresh.filter((e) => !known.has(e.id));
  for (const e of added) known.add(e.id);
  const merged = [...added, ...live];
  return {
    live: merged.slice(0, TAIL_CAP),
    dropped: Math.max(0, merged.length - TAIL_CAP),
    added: added.length,
  };
}

/** The newest event time among rows shown newest first (the first row of the first non-empty list). */
export const newestTs = (...lists: (readonly StoredEvent[])[]): string | null =>
  lists.find((l) => l.length > 0)?.[0]?.ts ?? null;
