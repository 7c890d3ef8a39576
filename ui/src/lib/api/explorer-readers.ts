import { isSource, SEVERITIES, type Severity, type Source } from '@vigil/core';

// GET /api/events, /api/metrics/timeseries and /api/entities (gateway/README.md, "HTTP: event explorer"),
// read leniently like normalize.ts: an item without what the page needs is dropped, missing lists are
// empty, a renamed or absent optional field falls back rather than failing the page.

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** The first list among the named properties (or the body itself when it is an array). */
const itemsOf = (body: unknown, ...names: string[]): Json[] => {
  if (Array.isArray(body)) return list(body);
  if (!isObject(body)) return [];
  for (const name of names) if (Array.isArray(body[name])) return list(body[name]);
  return [];
};

/** An event as the explorer returns it: its source, own time, bus position and body. */
export interface StoredEvent {
  id: string;
  source: Source | null;
  /** The event's own time (ISO), or null when it has none. */
  ts: string | null;
  position: { partition: number; offset: string } | null;
  event: Json;
}

export interface EventPage {
  items: StoredEvent[];
  nextCursor: string | null;
}

function readEvent(item: Json): StoredEvent | null {
  const event = isObject(item.event) ? item.event : null;
  if (!event) return null;
  const pos = isObject(item.position) ? item.position : item;
  const partition = num(pos.partition);
  const offset = text(pos.offset) ?? (num(pos.offset) === null ? null : String(pos.offset));
  const position = partition === null || offset === null ? null : { partition, offset };
  const source = isSource(item.source) ? item.source : isSource(event.source) ? event.source : null;
  const id = text(item.id) ?? (position ? `${source}:${position.partition}:${position.offset}` : null);
  if (id === null) return null;
  return { id, source, ts: text(item.ts) ?? text(event.ts), position, event };
}

export function readEventPage(body: unknown): EventPage {
  const items = itemsOf(body, 'items', 'events').flatMap((i) => readEvent(i) ?? []);
  const next = isObject(body) ? text(body.nextCursor) : null;
  return { items, nextCursor: next };
}

/** One bucket of a metric; avg and max are null where no event in it carried the field. */
export interface MetricPoint {
  bucketStart: string;
  avg: number | null;
  max: number | null;
  count: number;
}

export function readTimeseries(body: unknown): MetricPoint[] {
  return itemsOf(body, 'points', 'items', 'buckets').flatMap((p) => {
    const bucketStart = text(p.bucketStart) ?? text(p.start) ?? text(p.bucket) ?? text(p.ts);
    if (bucketStart === null || Number.isNaN(Date.parse(bucketStart))) return [];
    return [{ bucketStart, avg: num(p.avg), max: num(p.max), count: num(p.count) ?? 0 }];
  });
}

export const ENTITY_KINDS = ['user', 'ip', 'service', 'host'] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export interface EntityAlert {
  id: string;
  ruleId: string | null;
  severity: Severity | null;
  title: string | null;
  detectedAt: string | null;
}

/** An entity ranked by the risk of its recent alerts. */
export interface RiskEntity {
  kind: EntityKind;
  /** The user id, ip, service or host. */
  value: string;
  score: number;
  /** How many recent alerts the score counts (at least the ones listed). */
  alertCount: number;
  /** The newest alert counted, or null when the gateway did not say. */
  lastAlertAt: string | null;
  /** Its newest alerts, newest first. */
  alerts: EntityAlert[];
}

const severityOf = (v: unknown): Severity | null =>
  typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v) ? (v as Severity) : null;

function readEntityAlert(a: Json): EntityAlert | null {
  const id = text(a.id) ?? text(a.alertId);
  if (id === null) return null;
  return {
    id,
    ruleId: text(a.ruleId),
    severity: severityOf(a.severity),
    title: text(a.title),
    detectedAt: text(a.detectedAt) ?? text(a.at),
  };
}

/** Ranked entities of one kind, highest score first as the gateway ranks them. */
export function readEntities(body: unknown, kind: EntityKind): RiskEntity[] {
  return itemsOf(body, 'items', 'entities').flatMap((e) => {
    const value = text(e.value) ?? text(e.key) ?? text(e.id) ?? text(e.name);
    if (value === null) return [];
    const alerts = itemsOf(e.recentAlerts ?? e.alerts).flatMap((a) => readEntityAlert(a) ?? []);
    const count = num(e.alertCount) ?? num(e.alerts_count) ?? num(e.count);
    return [
      {
        kind: (ENTITY_KINDS as readonly string[]).includes(String(e.kind)) ? (e.kind as EntityKind) : kind,
        value,
        score: num(e.score) ?? num(e.risk) ?? num(e.riskScore) ?? 0,
        alertCount: Math.max(count ?? 0, alerts.length),
        lastAlertAt: text(e.lastAlertAt) ?? alerts[0]?.detectedAt ?? null,
        alerts,
      },
    ];
  });
}
