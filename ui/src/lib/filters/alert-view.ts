import type { AlertStatus, Severity, Source } from '@vigil/core';

/** Relative time ranges offered by the alerts page; resolved against the clock at fetch time. */
export const RANGE_PRESETS = {
  '15m': 15 * 60_000,
  '1h': 60 * 60_000,
  '6h': 6 * 60 * 60_000,
  '24h': 24 * 60 * 60_000,
  '7d': 7 * 24 * 60 * 60_000,
} as const;
export type RangePreset = keyof typeof RANGE_PRESETS;

/** Everything the alerts page filters on; mirrors the query parameters of `GET /api/alerts`. */
export interface AlertView {
  severity: Severity[];
  source: Source[];
  status: AlertStatus[];
  service: string[];
  ruleId: string[];
  userId: string[];
  /** Alert keys, exactly (`ip=10.0.0.5`, `host=web-1`): an entity's alerts. */
  key: string[];
  /** Free text: every word must appear in the title or message (word prefix, as the REST API does). */
  q: string;
  /** A relative range ("last 1h"), or null for the custom from/to below. */
  range: RangePreset | null;
  /** ISO instants of a custom range; `from` inclusive, `to` exclusive, either may be absent. */
  from: string | null;
  to: string | null;
}

export const emptyView = (): AlertView => ({
  severity: [],
  source: [],
  status: [],
  service: [],
  ruleId: [],
  userId: [],
  key: [],
  q: '',
  range: null,
  from: null,
  to: null,
});

/** True when the view filters on anything at all. */
export const isFiltered = (view: AlertView): boolean =>
  view.severity.length + view.source.length + view.status.length > 0 ||
  view.service.length + view.ruleId.length + view.userId.length + view.key.length > 0 ||
  view.q.trim() !== '' ||
  view.range !== null ||
  view.from !== null ||
  view.to !== null;
