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
  'security.unauthorized-access': (ev) =>
    ev.some((e) => isSec(e) && e.event.action === 'unauthorized_access'),
  'security.large-transfer': (ev) =>
    ev.some((e) => isSec(e) && e.event.action === 'data_transfer' && (e.event.bytes ?? 0) > 104_857_600),
};

/** Rules of the default-rules table (processor/RULES.md) the oracle checks (all but logs.volume-anomaly, a statistical rule). */
export const CHECKED_RULES = Object.keys(RULE_CONDITIONS);
export const helpers = { isLog, isMetric, isTx, isSec, isError, isLoginFailure };
