import { LOG_LEVELS, SECURITY_ACTIONS, SOURCES, type Source } from '@vigil/core';
import type { RangePreset } from '../filters/alert-view.ts';
import {
  addRangeAndPage,
  enumParam,
  listParam,
  type PageParams,
  rangeParams,
  serializeFields,
} from '../filters/url-filters.ts';

/** The event fields `GET /api/events` filters on by value (any of the listed values matches). */
export const EVENT_FIELDS = ['service', 'host', 'userId', 'ip', 'level', 'action'] as const;
export type EventField = (typeof EVENT_FIELDS)[number];
/** The fields typed as free text; level and action are enumerations (core's LOG_LEVELS, SECURITY_ACTIONS). */
export const TEXT_FIELDS = ['service', 'host', 'userId', 'ip'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type SecurityAction = (typeof SECURITY_ACTIONS)[number];

/** Everything the events page filters on; mirrors the query parameters of `GET /api/events`. */
export interface EventView extends Record<(typeof TEXT_FIELDS)[number], string[]> {
  source: Source[];
  level: LogLevel[];
  action: SecurityAction[];
  /** Free text: every word must appear in the message (word prefix, as the REST API does). */
  q: string;
  /** A relative range ("last 1h"), or null for the custom from/to below. */
  range: RangePreset | null;
  /** ISO instants of a custom range on the event's own time; `from` inclusive, `to` exclusive. */
  from: string | null;
  to: string | null;
}

// Its key order is the URL's parameter order.
export const emptyEventView = (): EventView => ({
  source: [],
  service: [],
  host: [],
  userId: [],
  ip: [],
  level: [],
  action: [],
  q: '',
  range: null,
  from: null,
  to: null,
});

/** True when the view filters on anything at all. */
export const isEventFiltered = (view: EventView): boolean =>
  view.source.length > 0 ||
  EVENT_FIELDS.some((f) => view[f].length > 0) ||
  view.q.trim() !== '' ||
  view.range !== null ||
  view.from !== null ||
  view.to !== null;

/** Reads a view from the page URL; unknown values are dropped rather than failing the page. */
export function parseEventView(params: URLSearchParams): EventView {
  const view: EventView = { ...emptyEventView(), ...rangeParams(params) };
  view.source = enumParam(params, 'source', SOURCES);
  for (const field of TEXT_FIELDS) view[field] = listParam(params, field);
  // Levels are upper case on the wire ("ERROR"); a hand-typed "?level=error" means the same.
  const levels = new URLSearchParams(listParam(params, 'level').map((l) => ['level', l.toUpperCase()]));
  view.level = enumParam(levels, 'level', LOG_LEVELS);
  view.action = enumParam(params, 'action', SECURITY_ACTIONS);
  view.q = (params.get('q') ?? '').trim();
  return view;
}

/** The view as a query string for the page URL (no leading "?"); empty fields are left out. */
export const serializeEventView = (view: EventView): string => serializeFields(view, emptyEventView());

/** Query parameters of `GET /api/events` for a view; a relative range is resolved against `now`. */
export function toEventParams(view: EventView, now: number, page: PageParams = {}): URLSearchParams {
  return addRangeAndPage(fieldParams(view), view, now, page);
}

/** The source and field filters of a view, comma-joined as the gateway reads lists. */
function fieldParams(view: EventView): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of ['source', ...EVENT_FIELDS] as const) {
    if (view[key].length > 0) params.set(key, view[key].join(','));
  }
  return params;
}

/**
 * Query parameters of the live tail (`GET /api/stream/events`): the view's filters and text, without its
 * range (the stream sends what arrives from now on; live-tail.ts checks each event against the range).
 */
export function toStreamParams(view: EventView): URLSearchParams {
  const params = fieldParams(view);
  if (view.q.trim()) params.set('q', view.q.trim());
  return params;
}

/** The events page URL for one field value, e.g. the events of a user from the risk panel. */
export const eventsHref = (patch: Partial<EventView>): string => {
  const query = serializeEventView({ ...emptyEventView(), ...patch });
  return query ? `/events?${query}` : '/events';
};
