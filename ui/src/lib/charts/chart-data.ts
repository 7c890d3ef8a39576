import { SOURCES } from '@vigil/core';
import type { ChartData, ChartOptions } from 'chart.js';
import { minuteLabel } from '../format/relative-time.ts';
import { SEVERITIES_DESC, SOURCE_LABELS, severityStyle, sourceColor } from '../format/severity-style.ts';
import type { StatsSnapshot } from '../stats/live-stats.ts';

/** Axis, grid and text colours per theme (slate scale, readable on both backgrounds). */
export const chartPalette = (dark: boolean) => ({
  text: dark ? '#cbd5e1' : '#334155',
  muted: dark ? '#94a3b8' : '#64748b',
  grid: dark ? 'rgba(148,163,184,0.14)' : 'rgba(100,116,139,0.16)',
  surface: dark ? '#0f172a' : '#ffffff',
});

/** Alerts per minute over the window, one stacked dataset per severity, most urgent on top. */
export function perMinuteData(snap: StatsSnapshot): ChartData<'bar', number[], string> {
  return {
    labels: snap.bucketStarts.map(minuteLabel),
    // Stack order is dataset order bottom-up: least urgent first so critical sits on top.
    datasets: [...SEVERITIES_DESC].reverse().map((s) => ({
      label: severityStyle(s).label,
      data: snap.perBucket[s],
      backgroundColor: severityStyle(s).color,
      borderRadius: 2,
      stack: 'severity',
    })),
  };
}

export function sourceData(snap: StatsSnapshot): ChartData<'doughnut', number[], string> {
  return {
    labels: SOURCES.map((s) => SOURCE_LABELS[s]),
    datasets: [
      {
        label: 'Alerts',
        data: SOURCES.map((s) => snap.bySource[s]),
        backgroundColor: SOURCES.map(sourceColor),
        borderWidth: 0,
      },
    ],
  };
}

/** A ranked list ("top services") as a horizontal bar chart. */
export function rankingData(entries: [string, number][], color: string): ChartData<'bar', number[], string> {
  return {
    labels: entries.map(([name]) => name),
    datasets: [{ label: 'Alerts', data: entries.map(([, n]) => n), backgroundColor: color, borderRadius: 3 }],
  };
}

/** Severity counts of one service, for its small doughnut. */
export function severityDoughnutData(
  counts: Record<string, number>,
): ChartData<'doughnut', number[], string> {
  return {
    labels: SEVERITIES_DESC.map((s) => severityStyle(s).label),
    datasets: [
      {
        label: 'Alerts',
        data: SEVERITIES_DESC.map((s) => counts[s] ?? 0),
        backgroundColor: SEVERITIES_DESC.map((s) => severityStyle(s).color),
        borderWidth: 0,
      },
    ],
  };
}

/** Sum of every data point of a chart: the e2e test reads it to see the chart grow. */
export const dataTotal = (data: ChartData<'bar' | 'doughnut' | 'line', (number | null)[], string>): number =>
  data.datasets.reduce((sum, ds) => sum + ds.data.reduce<number>((a, b) => a + (b ?? 0), 0), 0);

export const chartFont = { family: 'ui-sans-serif, system-ui, sans-serif', size: 11 };
const font = chartFont;

/** Sizing, hover by x position and the bottom legend that every chart over time shares. */
export function indexedChartBase(dark: boolean, boxHeight = 10) {
  const c = chartPalette(dark);
  return {
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    legend: { position: 'bottom', labels: { color: c.text, boxWidth: 10, boxHeight, font } },
  } as const;
}

export function stackedBarOptions(dark: boolean): ChartOptions<'bar'> {
  const c = chartPalette(dark);
  const { legend, ...base } = indexedChartBase(dark);
  return {
    ...base,
    plugins: { legend, tooltip: { mode: 'index' } },
    scales: {
      x: {
        stacked: true,
        grid: { display: false },
        ticks: { color: c.muted, maxTicksLimit: 12, font, maxRotation: 0 },
      },
      y: {
        stacked: true,
        beginAtZero: true,
        grid: { color: c.grid },
        ticks: { color: c.muted, precision: 0, font },
      },
    },
  };
}

export function horizontalBarOptions(dark: boolean): ChartOptions<'bar'> {
  const c = chartPalette(dark);
  return {
    indexAxis: 'y',
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { display: false } },
    scales: {
      x: { beginAtZero: true, grid: { color: c.grid }, ticks: { color: c.muted, precision: 0, font } },
      y: { grid: { display: false }, ticks: { color: c.text, font } },
    },
  };
}

export function doughnutOptions(dark: boolean, legend = true): ChartOptions<'doughnut'> {
  const c = chartPalette(dark);
  return {
    responsive: true,
    maintainAspectRatio: false,
    cutout: '62%',
    plugins: {
      legend: {
        display: legend,
        position: 'right',
        labels: { color: c.text, boxWidth: 10, boxHeight: 10, font },
      },
    },
  };
}
