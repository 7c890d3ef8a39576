import type { GeneratedEvent } from '../generator/event-types.ts';

/**
 * The default rules (processor/RULES.md, "Default rules") as direct counts over a list of events, for tests: does this stream satisfy
 * the rule's condition anywhere? Windows slide over event time; "within W" means last − first ≤ W.
 * This is a test oracle, deliberately naive and independent of the processor's implementation.
 */
export type Condition = (events: readonly GeneratedEvent[]) => boolean;

const MIN = 60_000;

/** Largest number of the given times inside any window of `windowMs` (times need not be sorted). */
export function maxInWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! > windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** The event times grouped by a key; events without a key are left out. */
export function timesBy<T extends GeneratedEvent>(
  events: readonly GeneratedEvent[],
  select: (e: GeneratedEvent) => e is T,
  key: (e: T) => string | undefined,
): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const e of events) {
    if (!select(e)) continue;
    const k = key(e);
    if (k === undefined) continue;
    const list = groups.get(k);
    if (list) list.push(e.time);
    else groups.set(k, [e.time]);
  }
  return groups;
}

/** The largest windowed count over all keys. */
export const maxOverKeys = (groups: Map<string, number[]>, windowMs: number): number =>
  Math.max(0, ...[...groups.values()].map((times) => maxInWindow(times, windowMs)));

/** Largest number of distinct values inside any window of `windowMs`, over `[time, value]` pairs. */
export function maxDistinctInWindow(points: [number, string][], windowMs: number): number {
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  let best = 0;
  for (let lo = 0; lo < sorted.length; lo++) {
    const values = new Set<string>();
    for (let hi = lo; hi < sorted.length && sorted[hi]![0] - sorted[lo]![0] <= windowMs; hi++) {
      values.add(sorted[hi]![1]);
    }
    best = Math.max(best, values.size);
  }
  return best;
}

/** Longest gap between two consecutive metrics samples of one host. */
export function longestHostGap(events: readonly GeneratedEvent[]): number {
  const last = new Map<string, number>();
  let best = 0;
  for (const e of [...events].sort((a, b) => a.time - b.time)) {
    if (e.source !== 'metrics') continue;
    const before = last.get(e.event.host);
    if (before !== undefined) best = Math.max(best, e.time - before);
    last.set(e.event.host, e.time);
  }
  return best;
}

type Of<S extends GeneratedEvent['source']> = Extract<GeneratedEvent, { source: S }>;
const isLog = (e: GeneratedEvent): e is Of<'logs'> => e.source === 'logs';
const isMetric = (e: GeneratedEvent): e is Of<'metrics'> => e.source === 'metrics';
const isTx = (e: GeneratedEvent): e is Of<'transactions'> => e.source === 'transactions';
const isSec = (e: GeneratedEvent): e is Of<'security'> => e.source === 'security';
const isError = (e: GeneratedEvent): e is Of<'logs'> =>
  isLog(e) && (e.event.level === 'ERROR' || e.event.level === 'CRITICAL');
const isLoginFailure = (e: GeneratedEvent): e is Of<'security'> =>
  isSec(e) && e.event.action === 'login_failure';

/** Longest span (ms) and sample count of consecutive samples of one host with cpu ≥ 80. */
export function longestHotRun(events: readonly GeneratedEvent[]): { spanMs: number; samples: number } {
  const byHost = new Map<string, Of<'metrics'>[]>();
  for (const e of events) {
    if (!isMetric(e)) continue;
    const list = byHost.get(e.event.host);
    if (list) list.push(e);
    else byHost.set(e.event.host, [e]);
  }
  let best = { spanMs: 0, samples: 0 };
  for (const samples of byHost.values()) {
    let first = -1;
    let count = 0;
    for (const s of samples) {
      if (s.event.cpu < 80) {
        count = 0;
        continue;
      }
      if (count === 0) first = s.time;
      count++;
      if (s.time - first > best.spanMs || (s.time - first === best.spanMs && count > best.samples)) {
        best = { spanMs: s.time - first, samples: count };
      }
    }
  }
  return best;
}

export const RULE_CONDITIONS: Readonly<Record<string, Condition>> = {
  'logs.error-spike': (ev) =>
    maxOverKeys(
      timesBy(ev, isError, (e) => e.event.service),
      3 * MIN,
    ) >= 20,
  'logs.failed-message': (ev) => ev.some((e) => isLog(e) && /failed/i.test(e.event.message)),
  'logs.user-error-spike': (ev) =>
    maxOverKeys(
      timesBy(ev, isError, (e) => e.event.userId),
      3 * MIN,
    ) >= 10,
  'metrics.cpu-sustained': (ev) => {
    const run = longestHotRun(ev);
    return run.spanMs >= 2 * MIN && run.samples >= 3;
  },
  'metrics.latency-high': (ev) => ev.some((e) => isMetric(e) && e.event.latencyMs > 1000),
  'metrics.cpu-and-latency': (ev) =>
    ev.some((e) => isMetric(e) && e.event.cpu >= 80 && e.event.latencyMs > 1000),
  'transactions.large-amount': (ev) => ev.some((e) => isTx(e) && e.event.amount > 10_000),
  'transactions.user-frequency': (ev) =>
    maxOverKeys(
      timesBy(ev, isTx, (e) => e.event.userId),
      5 * MIN,
    ) >= 5,
  'security.login-failures': (ev) =>
    maxOverKeys(
      timesBy(ev, isLoginFailure, (e) => e.event.userId),
      MIN,
    ) >= 5 ||
    maxOverKeys(
      timesBy(ev, isLoginFailure, (e) => e.event.ip),
      MIN,
    ) >= 5,
  'metrics.host-silent': (ev) => longestHostGap(ev) >= 2 * MIN,
  'security.password-spray': (ev) => {
    const byIp = new Map<string, [number, string][]>();
    for (const e of ev) {
      if (!isLoginFailure(e) || e.event.userId === undefined) continue;
      const list = byIp.get(e.event.ip) ?? [];
      list.push([e.time, e.event.userId]);
      byIp.set(e.event.ip, list);
    }
    return [...byIp.values()].some((points) => maxDistinctInWindow(points, 5 * MIN) >= 10);
  },
  'security.brute-force-success': (ev) => {
    const failures = timesBy(ev, isLoginFailure, (e) => e.event.userId);
    return ev.some(
      (e) =>
        isSec(e) &&
        e.event.action === 'login_success' &&
        e.event.userId !== undefined &&
        (failures.get(e.event.userId) ?? []).filter((t) => t < e.time && t > e.time - 10 * MIN).length >= 5,
    );
  },
  'security.unauthorized-access': (ev) =>
    ev.some((e) => isSec(e) && e.event.action === 'unauthorized_access'),
  'security.large-transfer': (ev) =>
    ev.some((e) => isSec(e) && e.event.action === 'data_transfer' && (e.event.bytes ?? 0) > 104_857_600),
};

/** Rules of the default-rules table (processor/RULES.md) the oracle checks (all but logs.volume-anomaly, a statistical rule). */
export const CHECKED_RULES = Object.keys(RULE_CONDITIONS);
export const helpers = { isLog, isMetric, isTx, isSec, isError, isLoginFailure };
