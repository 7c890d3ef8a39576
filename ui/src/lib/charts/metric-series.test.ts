import { describe, expect, it } from 'vitest';
import {
  metricLineData,
  metricSelectionQuery,
  parseMetricSelection,
  sampleCount,
  timeseriesParams,
} from './metric-series.ts';

const now = Date.parse('2026-03-01T12:00:00Z');

describe('timeseriesParams', () => {
  it('asks for one field of a service over the range up to now, with the range bucket', () => {
    const params = timeseriesParams({ service: 'payments', host: null }, 'latencyMs', '6h', now);
    expect(Object.fromEntries(params)).toEqual({
      field: 'latencyMs',
      bucket: '5m',
      service: 'payments',
      from: '2026-03-01T06:00:00.000Z',
      to: '2026-03-01T12:00:00.000Z',
    });
  });

  it('asks for a host, or a service on a host', () => {
    expect(timeseriesParams({ service: null, host: 'web-1' }, 'cpu', '1h', now).get('host')).toBe('web-1');
    const both = timeseriesParams({ service: 'api', host: 'web-1' }, 'cpu', '24h', now);
    expect([both.get('service'), both.get('host'), both.get('bucket')]).toEqual(['api', 'web-1', '15m']);
  });
});

describe('metricLineData', () => {
  const points = [
    { bucketStart: '2026-03-01T11:58:00.000Z', avg: 40, max: 90, count: 4 },
    { bucketStart: '2026-03-01T11:59:00.000Z', avg: null, max: null, count: 0 },
  ];

  it('draws avg and max per bucket; an empty bucket is a gap, not a zero', () => {
    const data = metricLineData(points);
    expect(data.labels).toHaveLength(2);
    expect(data.datasets.map((d) => [d.label, d.data])).toEqual([
      ['avg', [40, null]],
      ['max', [90, null]],
    ]);
  });

  it('counts the samples behind a chart', () => {
    expect(sampleCount(points)).toBe(4);
    expect(sampleCount([])).toBe(0);
  });
});

describe('metric selection in the URL', () => {
  it('round-trips a service, a host and a range', () => {
    const query = metricSelectionQuery({ service: 'payments', host: 'web-1' }, '24h');
    expect(query).toBe('?service=payments&host=web-1&metricRange=24h');
    expect(parseMetricSelection(new URLSearchParams(query.slice(1)))).toEqual({
      target: { service: 'payments', host: 'web-1' },
      range: '24h',
    });
  });

  it('defaults to the last hour and nothing selected; unknown ranges fall back', () => {
    expect(metricSelectionQuery({ service: null, host: null }, '1h')).toBe('');
    expect(parseMetricSelection(new URLSearchParams('metricRange=1y&service=%20'))).toEqual({
      target: { service: null, host: null },
      range: '1h',
    });
  });
});
