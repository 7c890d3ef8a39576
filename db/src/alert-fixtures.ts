import { randomBytes } from 'node:crypto';
import type { Alert } from '@vigil/core';
import type { Firing } from './alert-store-port.ts';

/** A valid alert with every optional field set; override what a test cares about. */
export function makeAlert(overrides: Partial<Alert> = {}): Alert {
  const detectedAt = overrides.detectedAt ?? '2030-01-01T00:00:01.000Z';
  const eventTime = overrides.eventTime ?? detectedAt;
  return {
    id: `alert-${randomBytes(6).toString('hex')}`,
    ruleId: 'logs.error-spike',
    severity: 'high',
    source: 'logs',
    title: 'Error spike on payments',
    message: '23 ERROR logs within 3 min (threshold 20)',
    service: 'payments',
    userId: null,
    key: 'service=payments',
    value: 23,
    threshold: 20,
    eventTime,
    detectedAt,
    status: 'open',
    windowStart: '2030-01-01T00:00:00.000Z',
    windowEnd: '2030-01-01T00:03:00.000Z',
    ingestedAt: detectedAt,
    publishedAt: null,
    evidence: {
      refs: [{ topic: 'events.logs', partition: 0, offset: '42' }],
      eventIds: ['e1'],
      archiveKeys: [],
    },
    // An episode of one firing, as the store returns every alert.
    occurrences: 1,
    firstSeenAt: eventTime,
    lastSeenAt: eventTime,
    revision: 1,
    ruleVersion: 1,
    resolvedAt: null,
    resolvedBy: null,
    acknowledgedBy: null,
    silencedBy: [],
    ...overrides,
  };
}

/** The store's order: detectedAt, then id, both descending (ids in tests are lowercase hex, same in any collation). */
export const newestFirst = (alerts: readonly Alert[]): Alert[] =>
  [...alerts].sort((a, b) =>
    a.detectedAt === b.detectedAt ? (a.id < b.id ? 1 : -1) : a.detectedAt < b.detectedAt ? 1 : -1,
  );

export const ids = (alerts: readonly Alert[]): string[] => alerts.map((a) => a.id);

const DAY_MS = 86_400_000;

/**
 * Hands out disjoint one-day windows, far from each other and from real data, so tests sharing one
 * database can aggregate over "their" window without seeing each other's alerts.
 */
export function windowAllocator(): () => TimeWindow {
  const prefix = randomBytes(3).toString('hex');
  let next = Date.UTC(2040, 0, 1) + (randomBytes(2).readUInt16BE() % 4000) * 7 * DAY_MS;
  let counter = 0;
  return () => {
    const start = next;
    next += DAY_MS;
    counter += 1;
    return new TimeWindow(start, `${prefix}${counter.toString(16).padStart(3, '0')}`);
  };
}

/** One test's slice of time, and an id prefix unique to it. */
export class TimeWindow {
  constructor(
    readonly startMs: number,
    readonly tag: string,
  ) {}

  /** ISO instant `offsetMs` after the window start. */
  at(offsetMs: number): string {
    return new Date(this.startMs + offsetMs).toISOString();
  }

  /** Lowercase-hex id unique to this window; equal-length, so string order is the same in every collation. */
  id(n: number): string {
    return `${this.tag}${n.toString(16).padStart(5, '0')}`;
  }

  get range(): { from: string; to: string } {
    return { from: this.at(0), to: this.at(DAY_MS) };
  }
}

/**
 * Firing `n` of the window's latency rule for `key`, `atMs` after the window start, with value 1000 + n; it
 * resolves 5 min after its last firing.
 */
export function latencyFiring(w: TimeWindow, n: number, atMs: number, key = 'host=web-1'): Firing {
  const alert = makeAlert({
    id: w.id(n),
    ruleId: `metrics.latency-high.${w.tag}`,
    source: 'metrics',
    key,
    value: 1000 + n,
    message: `latency ${1000 + n} ms`,
    eventTime: w.at(atMs),
    detectedAt: w.at(atMs),
  });
  return { alert, resolveAfterMs: 5 * 60_000 };
}
