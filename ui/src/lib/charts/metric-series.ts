import type { ChartData, ChartOptions } from 'chart.js';
import type { MetricPoint } from '../api/explorer-readers.ts';
import { minuteLabel } from '../format/relative-time.ts';
import { chartFont, chartPalette, indexedChartBase } from './chart-data.ts';

/** The metric fields `GET /api/metrics/timeseries` aggregates, with how the charts label them. */
export const METRICS = {
  cpu: { label: 'CPU', unit: '%' },
  memory: { label: 'Memory', unit: '%' },
  latencyMs: { label: 'Latency', unit: 'ms' },
  errorRate: { label: 'Error rate', unit: '' },
} as const;
export type Metric = keyof typeof METRICS;
export const METRIC_FIELDS = Object.keys(METRICS) as Metric[];

/** Time ranges of the metrics charts, each with a bucket that keeps a chart near 60 points. */
export const METRIC_RANGES = {
  '1h': { label: 'Last hour', ms: 3_600_000, bucket: '1m' },
  '6h': { label: 'Last 6 hours', ms: 6 * 3_600_000, bucket: '5m' },
  '24h': { label: 'Last 24 hours', ms: 24 * 3_600_000, bucket: '15m' },
} as const;
export type MetricRange = keyof typeof METRIC_RANGES;

/** What the charts are drawn for: one service, one host, or both (a service's samples from one host). */
export interface MetricTarget {
  service: string | null;
  host: string | null;
}

/** Query of one chart; the range ends at `now`, so "last hour" means the hour up to the click. */
export function timeseriesParams(
  target: MetricTarget,
  field: Metric,
  range: MetricRange,
  now: number,
): URLSearchParams {
  const { ms, bucket } = METRIC_RANGES[range];
  const params = new URLSearchParams({ field, bucket });
  if (target.service) params.set('service', target.service);
  if (target.host) params.set('host', target.host);
  params.set('from', new Date(now - ms).toISOString());
  params.set('to', new Date(now).toISOString());
  return params;
}

const AVG_COLOR = '#0ea5e9';
const MAX_COLOR = '#f97316';

/** Avg and max per bucket as two lines; a bucket without samples is a gap (null), not a zero. */
export function metricLineData(points: readonly MetricPoint[]): ChartData<'line', (number | null)[], string> {
  const line = (label: string, color: string, data: (number | null)[], dashed: boolean) => ({
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: 1.5,
    borderDash: dashed ? [4, 3] : [],
    pointRadius: 0,
    spanGaps: false,
    tension: 0.2,
  });
  return {
    labels: points.map((p) => minuteLabel(Date.parse(p.bucketStart))),
    datasets: [
      line(
        'avg',
        AVG_COLOR,
        points.map((p) => p.avg),
        false,
      ),
      line(
        'max',
        MAX_COLOR,
        points.map((p) => p.max),
        true,
      ),
    ],
  };
}

/** Samples behind a chart: zero means "no metrics from this service/host in the range". */
export const sampleCount = (points: readonly MetricPoint[]): number =>
  points.reduce((n, p) => n + p.count, 0);

const font = chartFont;

export function lineOptions(dark: boolean, unit: string): ChartOptions<'line'> {
  const c = chartPalette(dark);
  const { legend, ...base } = indexedChartBase(dark, 2);
  return {
    ...base,
    plugins: {
      legend,
      tooltip: {
        mode: 'index',
        callbacks: {
          label: (item) => `${item.dataset.label} ${item.formattedValue}${unit ? ` ${unit}` : ''}`,
        },
      },
    },
    scales: {
      x: { grid: { display: false }, ticks: { color: c.muted, maxTicksLimit: 8, font, maxRotation: 0 } },
      y: { beginAtZero: true, grid: { color: c.grid }, ticks: { color: c.muted, font } },
    },
  };
}

/** The services page's chart selection from its URL (`?service=payments&host=web-1&metricRange=6h`). */
export function parseMetricSelection(params: URLSearchParams): { target: MetricTarget; range: MetricRange } {
  const text = (name: string) => params.get(name)?.trim() || null;
  const range = params.get('metricRange');
  return {
    target: { service: text('service'), host: text('host') },
    range: range !== null && range in METRIC_RANGES ? (range as MetricRange) : '1h',
  };
}

/** The services page URL for a chart selection; the default range is left out. */
export function metricSelectionQuery(target: MetricTarget, range: MetricRange): string {
  const params = new URLSearchParams();
  if (target.service) params.set('service', target.service);
  if (target.host) params.set('host', target.host);
  if (range !== '1h') params.set('metricRange', range);
  const query = params.toString();
  return query ? `?${query}` : '';
}
