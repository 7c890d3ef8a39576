import { describe, expect, it } from 'vitest';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { createLiveStats, type StatsSeed } from './live-stats.ts';

const T0 = Date.parse('2026-01-01T12:00:30.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const emptySeed = (over: Partial<StatsSeed> = {}): StatsSeed => ({
  at: T0,
  timeline: [],
  summary: { bySource: {}, byService: {}, byRuleId: {} },
  countedIds: [],
  ...over,
});

describe('createLiveStats', () => {
  it('lists one bucket per minute of the last hour, the current minute last', () => {
    const stats = createLiveStats();
    const snap = stats.snapshot(T0);
    expect(snap.bucketStarts).toHaveLength(60);
    expect(snap.bucketStarts.at(-1)).toBe(Date.parse('2026-01-01T12:00:00.000Z'));
    expect(snap.bucketStarts[0]).toBe(Date.parse('2026-01-01T11:01:00.000Z'));
  });

  it('starts from the REST seed and adds live alerts on top', () => {
    const stats = createLiveStats();
    stats.seed(
      emptySeed({
        timeline: [{ bucketStart: '2026-01-01T11:59:00.000Z', bySeverity: { high: 2, low: 1 } }],
        summary: { bySource: { logs: 3 }, byService: { payments: 3 }, byRuleId: { 'logs.error-spike': 3 } },
      }),
      T0,
    );
    stats.add([makeAlert({ id: 'n1', detectedAt: iso(T0), severity: 'critical', source: 'metrics' })], T0);
    const snap = stats.snapshot(T0);
    expect(snap.bySeverity).toMatchObject({ high: 2, low: 1, critical: 1 });
    expect(snap.total).toBe(4);
    expect(snap.perBucket.high.at(-2)).toBe(2);
    expect(snap.perBucket.critical.at(-1)).toBe(1);
    expect(snap.bySource).toEqual({ logs: 3, metrics: 1, transactions: 0, security: 0 });
    expect(snap.topServices).toEqual([['payments', 4]]);
  });

  it('does not count twice an alert the seed already counted', () => {
    const stats = createLiveStats();
    stats.seed(emptySeed({ countedIds: ['seen'] }), T0);
    stats.add([makeAlert({ id: 'seen', detectedAt: iso(T0) })], T0);
    expect(stats.snapshot(T0).total).toBe(0);
  });

  it('slides: alerts older than the window drop out as time passes', () => {
    const stats = createLiveStats();
    stats.add([makeAlert({ id: 'a', detectedAt: iso(T0) })], T0);
    expect(stats.snapshot(T0 + 59 * 60_000).total).toBe(1);
    expect(stats.snapshot(T0 + 60 * 60_000).total).toBe(0);
    expect(stats.snapshot(T0 + 60 * 60_000).topServices).toEqual([]);
  });

  it('drops the seed breakdowns once they are a full window old', () => {
    const stats = createLiveStats();
    stats.seed(emptySeed({ summary: { bySource: { logs: 5 }, byService: {}, byRuleId: {} } }), T0);
    expect(stats.snapshot(T0 + 30 * 60_000).bySource.logs).toBe(5);
    expect(stats.snapshot(T0 + 60 * 60_000).bySource.logs).toBe(0);
  });

  it('ignores replayed alerts from before the window and puts future-stamped ones in the current minute', () => {
    const stats = createLiveStats();
    stats.add(
      [
        makeAlert({ id: 'old', detectedAt: iso(T0 - 2 * 3_600_000) }),
        makeAlert({ id: 'future', detectedAt: iso(T0 + 90_000) }),
      ],
      T0,
    );
    const snap = stats.snapshot(T0);
    expect(snap.total).toBe(1);
    expect(snap.perBucket.high.at(-1)).toBe(1);
  });

  it('ranks the top services and rules, at most topN', () => {
    const stats = createLiveStats({ topN: 2 });
    const alerts = ['a', 'b', 'b', 'c', 'c', 'c'].map((service, i) =>
      makeAlert({ id: `x${i}`, service, ruleId: `r.${service}`, detectedAt: iso(T0) }),
    );
    stats.add(alerts, T0);
    const snap = stats.snapshot(T0);
    expect(snap.topServices).toEqual([
      ['c', 3],
      ['b', 2],
    ]);
    expect(snap.topRules[0]).toEqual(['r.c', 3]);
  });
});
