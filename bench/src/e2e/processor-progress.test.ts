import { describe, expect, it } from 'vitest';
import { metricSum, peakRate, sustainedRate } from './processor-progress.ts';

describe('metricSum', () => {
  it('adds every series of one counter and ignores the others', () => {
    const text = [
      '# HELP vigil_processor_events_total Messages consumed from event topics',
      '# TYPE vigil_processor_events_total counter',
      'vigil_processor_events_total{source="logs"} 120',
      'vigil_processor_events_total{source="metrics"} 80',
      'vigil_processor_events_total_other 5',
      'vigil_processor_alerts_total{rule="x",severity="high"} 3',
    ].join('\n');
    expect(metricSum(text, 'vigil_processor_events_total')).toBe(200);
    expect(metricSum(text, 'vigil_processor_alerts_total')).toBe(3);
  });
});

describe('sustainedRate', () => {
  const samples = [
    { atMs: 1_000, events: 0 },
    { atMs: 2_000, events: 10_000 },
    { atMs: 3_000, events: 60_000 },
    { atMs: 4_000, events: 110_000 },
  ];

  it('runs from the first counted event to the first sample that saw them all', () => {
    expect(sustainedRate(samples, 110_000)).toEqual({ perSecond: 50_000, seconds: 2, complete: true });
  });

  it('says so when the backlog was not finished', () => {
    expect(sustainedRate(samples, 200_000).complete).toBe(false);
  });

  it('finds the best one-second window', () => {
    expect(peakRate(samples, 1_000)).toBe(50_000);
  });
});
