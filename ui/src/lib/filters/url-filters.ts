import { ALERT_STATUSES, type AlertFilter, SEVERITIES, SOURCES } from '@vigil/core';
import { type AlertView, emptyView, RANGE_PRESETS, type RangePreset } from './alert-view.ts';

/** Same cap as the REST API, so a shared URL can never ask for more than the gateway accepts. */
const MAX_VALUES = 100;

/** Values of a parameter given repeated (`?a=1&a=2`), comma-separated (`?a=1,2`) or both; trimmed, unique. */
export const listParam = (params: URLSearchParams, name: string): string[] => {
  const values = params.getAll(name).flatMap((v) => v.split(','));
  return [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))].slice(0, MAX_VALUES);
};

// Enumerations keep their canonical order, so equal views give equal URLs.
export const enumParam = <T extends string>(
  params: URLSearchParams,
  name: string,
  allowed: readonly T[],
): T[] => {
  const given = new Set(listParam(params, name));
  return allowed.filter((v) => given.has(v));
};

const instantParam = (params: URLSearchParams, name: string): string | null => {
  const raw = params.get(name);
  if (!raw) return null;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
};

/** A view's time range from the URL: a known preset, else a custom from/to (a preset wins over both). */
export function rangeParams(params: URLSearchParams): Pick<AlertView, 'range' | 'from' | 'to'> {
  const range = params.get('range');
  const preset = range !== null && range in RANGE_PRESETS ? (range as RangePreset) : null;
  return {
    range: preset,
    from: preset ? null : instantParam(params, 'from'),
    to: preset ? null : instantParam(params, 'to'),
  };
}

/** Reads a view from the page URL; unknown values are dropped rather than failing the page. */
export function parseView(params: URLSearchParams): AlertView {
  return {
    severity: enumParam(params, 'severity', SEVERITIES),
    source: enumParam(params, 'source', SOURCES),
    status: enumParam(params, 'status', ALERT_STATUSES),
    service: listParam(params, 'service'),
    ruleId: listParam(params, 'ruleId'),
    userId: listParam(params, 'userId'),
    key: listParam(params, 'key'),
    q: (params.get('q') ?? '').trim(),
    ...rangeParams(params),
  };
}

/**
 * A view as a query string for a page URL (no leading "?"): the keys of `canonical` in its order (so equal
 * views give equal URLs), lists comma-joined, empty fields left out.
 */
export function serializeFields<V extends object>(view: V, canonical: V): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(canonical) as (keyof V & string)[]) {
    const value = view[key];
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else if (typeof value === 'string' && value.trim() !== '') {
      params.set(key, value.trim());
    }
  }
  return params.toString().replaceAll('%2C', ',');
}

/** The view as a query string for the page URL (no leading "?"); empty fields are left out. */
export const serializeView = (view: AlertView): string => serializeFields(view, emptyView());

/** A REST page's limit and cursor. */
export interface PageParams {
  limit?: number;
  cursor?: string | null;
}

/** Adds a view's text, time range (a relative one resolved against `now`) and page to REST parameters. */
export function addRangeAndPage(
  params: URLSearchParams,
  view: { q: string; range: RangePreset | null; from: string | null; to: string | null },
  now: number,
  page: PageParams,
): URLSearchParams {
  if (view.q.trim()) params.set('q', view.q.trim());
  const from = view.range ? new Date(now - RANGE_PRESETS[view.range]).toISOString() : view.from;
  if (from) params.set('from', from);
  if (!view.range && view.to) params.set('to', view.to);
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.cursor) params.set('cursor', page.cursor);
  return params;
}

/** Query parameters of `GET /api/alerts` for a view; a relative range is resolved against `now`. */
export function toApiParams(view: AlertView, now: number, page: PageParams = {}): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['severity', 'source', 'service', 'ruleId', 'userId', 'key', 'status'] as const) {
    if (view[key].length > 0) params.set(key, view[key].join(','));
  }
  return addRangeAndPage(params, view, now, page);
}

/** The part of a view the WebSocket can filter on; the rest is matched in the browser (match-view.ts). */
export function toWsFilter(view: AlertView): AlertFilter {
  const filter: AlertFilter = {};
  if (view.severity.length > 0) filter.severity = [...view.severity];
  if (view.source.length > 0) filter.source = [...view.source];
  if (view.service.length > 0) filter.service = [...view.service];
  if (view.ruleId.length > 0) filter.ruleId = [...view.ruleId];
  return filter;
}

/** A comma-separated text input's values: trimmed, non-empty, unique. */
export const commaList = (text: string): string[] => [
  ...new Set(
    text
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean),
  ),
];
