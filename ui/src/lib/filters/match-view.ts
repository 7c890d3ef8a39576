import type { Alert, AlertFilter } from '@vigil/core';
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

/** True when the alert passes a WebSocket subscription filter (the server's rule, replayed locally). */
export const matchesFilter = (alert: Alert, filter: AlertFilter): boolean =>
  inList(filter.severity, alert.severity) &&
  inList(filter.source, alert.source) &&
  inList(filter.service, alert.service) &&
  inList(filter.ruleId, alert.ruleId);

/** True when a live alert belongs in the alerts table for this view (so it can be prepended). */
export function matchesView(alert: Alert, view: AlertView, now: number): boolean {
  if (!matchesFilter(alert, view)) return false;
  if (!inList(view.status, alert.status) || !inList(view.userId, alert.userId)) return false;
  const detected = Date.parse(alert.detectedAt);
  const from = view.range ? now - RANGE_PRESETS[view.range] : view.from ? Date.parse(view.from) : null;
  const to = view.range ? null : view.to ? Date.parse(view.to) : null;
  if (from !== null && detected < from) return false;
  if (to !== null && detected >= to) return false;
  return matchesText(alert, view.q);
}
