import {
  type Alert,
  SEVERITIES,
  type Severity,
  type SeverityCounts,
  SOURCES,
  type Source,
} from '@vigil/core';
import { isSeverity } from '../format/severity-style.ts';

/** What the overview loads over REST once, before live updates take over. */
export interface StatsSeed {
  /** When the REST answers were taken (epoch ms). */
  at: number;
  /** Per-bucket counts of the window (`GET /api/stats/timeline?bucket=1m`). */
  timeline: { bucketStart: string; bySeverity: Partial<SeverityCounts> }[];
  /** Breakdowns of the window (`GET /api/stats/summary?from=…`). */
  summary: {
    bySource: Partial<Record<string, number>>;
    byService: Partial<Record<string, number>>;
    byRuleId: Partial<Record<string, number>>;
  };
  /** Alerts the seed already counts (the newest page); arriving live again they are not counted twice. */
  countedIds: Iterable<string>;
}

export interface StatsSnapshot {
  /** Start of each bucket of the window, oldest first; the last one holds "now". */
  bucketStarts: number[];
  perBucket: Record<Severity, number[]>;
  bySeverity: SeverityCounts;
  total: number;
  bySource: Record<Source, number>;
  topServices: [string, number][];
  topRules: [string, number][];
}

interface Bucket {
  bySeverity: SeverityCounts;
  bySource: Map<string, number>;
  byService: Map<string, number>;
  byRule: Map<string, number>;
}

export interface LiveStatsOptions {
  bucketMs?: number;
  buckets?: number;
  topN?: number;
}

const zero = (): SeverityCounts => Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
const bump = (map: Map<string, number>, key: string | null, by = 1) => {
  if (key !== null) map.set(key, (map.get(key) ?? 0) + by);
};
const mapOf = (record: Partial<Record<string, number>>) =>
  new Map(Object.entries(record).filter((e): e is [string, number] => typeof e[1] === 'number'));

/**
 * Sliding per-minute counters of the last hour for the overview: seeded once from REST, then fed by
 * live alerts. Breakdowns (source, service, rule) of live alerts slide per bucket; the seed's
 * breakdowns have no per-minute detail, so they are kept whole until they are a full window old.
 */
export function createLiveStats({ bucketMs = 60_000, buckets = 60, topN = 8 }: LiveStatsOptions = {}) {
  const window = bucketMs * buckets;
  const ring = new Map<number, Bucket>();
  let seedDims: {
    bySource: Map<string, number>;
    byService: Map<string, number>;
    byRule: Map<string, number>;
    until: number;
  } | null = null;
  let counted = new Set<string>();

  const startOf = (ms: number) => Math.floor(ms / bucketMs) * bucketMs;
  const bucketAt = (start: number): Bucket => {
    let bucket = ring.get(start);
    if (!bucket) {
      bucket = { bySeverity: zero(), bySource: new Map(), byService: new Map(), byRule: new Map() };
      ring.set(start, bucket);
    }
    return bucket;
  };

  function advance(now: number): void {
    const oldest = startOf(now) - window + bucketMs;
    for (const start of ring.keys()) if (start < oldest) ring.delete(start);
    if (seedDims && now >= seedDims.until) seedDims = null;
  }

  function seed(data: StatsSeed, now: number): void {
    ring.clear();
    for (const point of data.timeline) {
      const start = startOf(Date.parse(point.bucketStart));
      if (Number.isNaN(start)) continue;
      const bucket = bucketAt(start);
      for (const s of SEVERITIES) bucket.bySeverity[s] += point.bySeverity[s] ?? 0;
    }
    seedDims = {
      bySource: mapOf(data.summary.bySource),
      byService: mapOf(data.summary.byService),
      byRule: mapOf(data.summary.byRuleId),
      until: data.at + window,
    };
    counted = new Set(data.countedIds);
    advance(now);
  }

  function add(alerts: readonly Alert[], now: number): void {
    advance(now);
    const oldest = startOf(now) - window + bucketMs;
    for (const alert of alerts) {
      if (counted.delete(alert.id)) continue; // already in the REST seed
      // A detection stamped slightly ahead of this browser's clock still counts in the current minute.
      const start = Math.min(startOf(Date.parse(alert.detectedAt)), startOf(now));
      if (Number.isNaN(start) || start < oldest) continue; // replayed from before the window
      const bucket = bucketAt(start);
      if (isSeverity(alert.severity)) bucket.bySeverity[alert.severity] += 1;
      bump(bucket.bySource, alert.source);
      bump(bucket.byService, alert.service);
      bump(bucket.byRule, alert.ruleId);
    }
  }

  function snapshot(now: number): StatsSnapshot {
    advance(now);
    const last = startOf(now);
    const bucketStarts = Array.from({ length: buckets }, (_, i) => last - (buckets - 1 - i) * bucketMs);
    const perBucket = Object.fromEntries(SEVERITIES.map((s) => [s, [] as number[]])) as Record<
      Severity,
      number[]
    >;
    const bySeverity = zero();
    const sources = new Map(seedDims?.bySource);
    const services = new Map(seedDims?.byService);
    const rules = new Map(seedDims?.byRule);
    for (const start of bucketStarts) {
      const bucket = ring.get(start);
      for (const s of SEVERITIES) {
        const n = bucket?.bySeverity[s] ?? 0;
        perBucket[s].push(n);
        bySeverity[s] += n;
      }
      if (!bucket) continue;
      for (const [k, n] of bucket.bySource) bump(sources, k, n);
      for (const [k, n] of bucket.byService) bump(services, k, n);
      for (const [k, n] of bucket.byRule) bump(rules, k, n);
    }
    const top = (map: Map<string, number>) =>
      [...map]
        .filter(([, n]) => n > 0)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .slice(0, topN);
    return {
      bucketStarts,
      perBucket,
      bySeverity,
      total: SEVERITIES.reduce((sum, s) => sum + bySeverity[s], 0),
      bySource: Object.fromEntries(SOURCES.map((s) => [s, sources.get(s) ?? 0])) as Record<Source, number>,
      topServices: top(services),
      topRules: top(rules),
    };
  }

  return { seed, add, advance, snapshot };
}

export type LiveStats = ReturnType<typeof createLiveStats>;
