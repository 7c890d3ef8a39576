import { describe, expect, it } from 'vitest';
import { createLiveStats } from '../stats/live-stats.ts';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { dataTotal, perMinuteData, rankingData, sourceData } from './chart-data.ts';

const now = Date.parse('2026-01-01T12:00:30.000Z');

describe('chart data', () => {
  const stats = createLiveStats();
  stats.add(
    [
      makeAlert({ id: 'a', severity: 'critical', detectedAt: new Date(now).toISOString() }),
      makeAlert({ id: 'b', severity: 'low', source: 'security', detectedAt: new Date(now).toISOString() }),
    ],
    now,
  );
  const snap = stats.snapshot(now);

  it('stacks per-minute counts with critical as the top dataset', () => {
    const data = perMinuteData(snap);
    expect(data.labels).toHaveLength(60);
    expect(data.datasets.map((d) => d.label)).toEqual(['Info', 'Low', 'Medium', 'High', 'Critical']);
    expect(dataTotal(data)).toBe(2);
  });

  it('counts alerts per source in the fixed source order', () => {
    expect(sourceData(snap).datasets[0]?.data).toEqual([1, 0, 0, 1]);
  });

  it('turns a ranking into labels and values', () => {
    const data = rankingData(
      [
        ['payments', 3],
        ['auth', 1],
      ],
      '#000',
    );
    expect(data.labels).toEqual(['payments', 'auth']);
    expect(data.datasets[0]?.data).toEqual([3, 1]);
  });
});
