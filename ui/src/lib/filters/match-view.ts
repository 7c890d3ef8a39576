import { type Alert, matchesFilter } from '@vigil/core';
import { type AlertView, RANGE_PRESETS } from './alert-view.ts';

const words = (text: string): string[] => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

// As the REST API searches: every word must occur, words of 3+ letters as a word prefix ("pay" → "payments").
const matchesText = (alert: Alert, q: string): boolean => {
  const terms = [...new Set(words(q))];
  if (terms.length === 0) return true;
  const haystack = words(`${alert.title} ${alert.message}`);
  return terms.every((t) => haystack.some((w) => (t.length >= 3 ? w.startsWith(t) : w === t)));
};

const inList = (list: readonly string[] | undefined, value: string | null): boolean =>
  !list || list.length === 0 || (value !== null && list.includes(value));

/**
 * True when a live alert belongs in the alerts table for this view (so it can be prepended): the
 * subscription filter (core's matchesFilter, the gateway's own rule), then the fields the WebSocket does not filter on.
 */
export function matchesView(alert: Alert, view: AlertView, now: number): boolean {
  if (!matchesFilter(view, alert)) return false;
  if (!inList(view.status, alert.status) || !inList(view.userId, alert.userId)) return false;
  if (!inList(view.key, alert.key)) return false;
  const detected = Date.parse(alert.detectedAt);
  const from = view.range ? now - RANGE_PRESETS[view.range] : view.from ? Date.parse(view.from) : null;
  const to = view.range ? null : view.to ? Date.parse(view.to) : null;
  if (from !== null && detected < from) return false;
  if (to !== null && detected >= to) return false;
  return matchesText(alert, view.q);
}
