import {
  type Alert,
  type AlertPage,
  isSource,
  SEVERITIES,
  type ServiceSummary as ServedService,
  type AlertSummary as ServedSummary,
  type Severity,
  SOURCES,
  type TimelinePoint,
} from '@vigil/core';
import { RULE_KINDS, type Rule, type RuleKind } from '@vigil/core/rules';

// The REST contract names the endpoints and their content; these readers accept either a bare array or
// an object wrapping one, and fill missing counters with zeros, so a gateway that adds a field or wraps
// a list later does not break the dashboard.

export type Json = Record<string, unknown>;
export type { AlertPage, SeverityCounts, TimelinePoint } from '@vigil/core';
export type { Rule } from '@vigil/core/rules';

/** The served summary, read leniently: `byStatus` is null from a gateway that does not send it. */
export type AlertSummary = Omit<ServedSummary, 'byStatus'> & { byStatus: Record<string, number> | null };
/** The served item, read leniently: a service with no parseable last alert time gets null. */
export type ServiceSummary = Omit<ServedService, 'lastAlertAt'> & { lastAlertAt: string | null };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The list in a body: the body itself, or the first array under one of `keys`. */
export function listIn(body: unknown, keys: readonly string[]): unknown[] {
  if (Array.isArray(body)) return body;
  if (!isObject(body)) return [];
  for (const key of keys) {
    const value = body[key];
    if (Array.isArray(value)) return value;
  }
  return [];
}

export function counts<K extends string>(value: unknown, keys: readonly K[]): Record<K, number> {
  const source = isObject(value) ? value : {};
  return Object.fromEntries(keys.map((k) => [k, num(source[k])])) as Record<K, number>;
}

const countMap = (value: unknown): Record<string, number> =>
  isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, num(v)])) : {};

export function readAlertPage(body: unknown): AlertPage {
  const items = listIn(body, ['items', 'alerts']).filter(
    (a): a is Alert => isObject(a) && typeof a.id === 'string',
  );
  const next = isObject(body) ? body.nextCursor : null;
  return { items, nextCursor: typeof next === 'string' && next !== '' ? next : null };
}

export function readSummary(body: unknown): AlertSummary {
  const b = isObject(body) ? body : {};
  return {
    total: num(b.total),
    bySeverity: counts(b.bySeverity, SEVERITIES),
    bySource: counts(b.bySource, SOURCES),
    byService: countMap(b.byService),
    byRuleId: countMap(b.byRuleId ?? b.byRule),
    byStatus: isObject(b.byStatus) ? countMap(b.byStatus) : null,
  };
}

export function readTimeline(body: unknown): TimelinePoint[] {
  return listIn(body, ['points', 'buckets', 'items', 'timeline'])
    .filter(isObject)
    .map((p) => ({
      bucketStart: String(p.bucketStart ?? p.start ?? p.bucket ?? ''),
      total: num(p.total),
      bySeverity: counts(p.bySeverity, SEVERITIES),
    }))
    .filter((p) => !Number.isNaN(Date.parse(p.bucketStart)));
}

export function readServices(body: unknown): ServiceSummary[] {
  return listIn(body, ['items', 'services'])
    .filter(isObject)
    .map((s) => ({
      service: String(s.service ?? s.name ?? ''),
      total: num(s.total ?? s.count),
      open: num(s.open),
      bySeverity: counts(s.bySeverity, SEVERITIES),
      lastAlertAt: typeof s.lastAlertAt === 'string' && s.lastAlertAt ? s.lastAlertAt : null,
    }))
    .filter((s) => s.service !== '');
}

// The gateway serves rules as core's parser returned them (defaults filled in), and the dashboard it serves is
// built from the same core: an item without the fields every rule has, or of a kind this build does not know,
// is left out rather than drawn half.
const isRule = (r: unknown): r is Rule =>
  isObject(r) &&
  typeof r.id === 'string' &&
  typeof r.title === 'string' &&
  RULE_KINDS.includes(r.kind as RuleKind) &&
  isSource(r.source) &&
  SEVERITIES.includes(r.severity as Severity) &&
  Array.isArray(r.keyBy);

/** The rules of `GET /api/rules` (or a rules file), as core's `Rule`. */
export function readRules(body: unknown): Rule[] {
  return listIn(body, ['rules', 'items']).filter(isRule);
}
