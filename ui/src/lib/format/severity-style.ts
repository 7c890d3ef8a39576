import { SEVERITIES, type Severity, type Source } from '@vigil/core';

export interface SeverityStyle {
  label: string;
  /** Solid colour for charts and the bar at the left of a feed item. */
  color: string;
  /** Tailwind classes of the badge (spelled out in full so Tailwind finds them). */
  badge: string;
  /** Tailwind background class of a small dot or bar. */
  dot: string;
}

// Ordered warm to cold, so the eye finds "critical" before reading; text contrast meets WCAG AA on both themes.
const STYLES: Record<Severity, SeverityStyle> = {
  critical: {
    label: 'Critical',
    color: '#dc2626',
    badge: 'bg-red-600 text-white ring-red-700 dark:bg-red-600 dark:ring-red-400/40',
    dot: 'bg-red-600',
  },
  high: {
    label: 'High',
    color: '#f97316',
    badge:
      'bg-orange-100 text-orange-800 ring-orange-300 dark:bg-orange-500/15 dark:text-orange-300 dark:ring-orange-400/30',
    dot: 'bg-orange-500',
  },
  medium: {
    label: 'Medium',
    color: '#eab308',
    badge:
      'bg-yellow-100 text-yellow-800 ring-yellow-300 dark:bg-yellow-500/15 dark:text-yellow-200 dark:ring-yellow-400/30',
    dot: 'bg-yellow-500',
  },
  low: {
    label: 'Low',
    color: '#0ea5e9',
    badge: 'bg-sky-100 text-sky-800 ring-sky-300 dark:bg-sky-500/15 dark:text-sky-300 dark:ring-sky-400/30',
    dot: 'bg-sky-500',
  },
  info: {
    label: 'Info',
    color: '#94a3b8',
    badge:
      'bg-slate-100 text-slate-700 ring-slate-300 dark:bg-slate-500/15 dark:text-slate-300 dark:ring-slate-400/30',
    dot: 'bg-slate-400',
  },
};

const UNKNOWN: SeverityStyle = { ...STYLES.info, label: 'Unknown' };

/** Colours and label of a severity; an unknown value (a newer gateway) falls back to neutral. */
export const severityStyle = (severity: string): SeverityStyle =>
  (STYLES as Record<string, SeverityStyle>)[severity] ?? { ...UNKNOWN, label: severity || UNKNOWN.label };

/** Most urgent first: the order of legends, counters and stacked bars (top = critical). */
export const SEVERITIES_DESC: readonly Severity[] = [...SEVERITIES].reverse();

const SOURCE_COLORS: Record<Source, string> = {
  logs: '#6366f1',
  metrics: '#14b8a6',
  transactions: '#a855f7',
  security: '#ec4899',
};

export const sourceColor = (source: string): string =>
  (SOURCE_COLORS as Record<string, string>)[source] ?? '#94a3b8';

/** True for the five severities of the contract (the Alert type widens them to string). */
export const isSeverity = (value: string): value is Severity =>
  (SEVERITIES as readonly string[]).includes(value);

export const SOURCE_LABELS: Record<Source, string> = {
  logs: 'Logs',
  metrics: 'Metrics',
  transactions: 'Transactions',
  security: 'Security',
};

/** Display name of a source; an unknown one is shown as sent. */
export const sourceLabel = (source: string): string =>
  (SOURCE_LABELS as Record<string, string>)[source] ?? source;
