import type { Source } from '@vigil/core';
import type { EvidenceEvent } from '../api/evidence-reader.ts';

/** One row of the alert detail's events table. */
export interface EvidenceRow {
  /** Unique within the table (bus position, else archive key and index). */
  id: string;
  /** The event's `ts`, or null when it has none. */
  time: string | null;
  source: Source | null;
  /** The fields that identify the event for its source, in a fixed order, present ones only. */
  fields: { name: string; value: string }[];
  /** A log's message; for other sources a one-line summary of what they measured or did. */
  message: string;
  /** `topic / partition @ offset`. */
  position: string;
}

/** Fields shown per source, most identifying first; the message column has the rest. */
const KEY_FIELDS: Record<Source, readonly string[]> = {
  logs: ['service', 'level', 'host', 'userId', 'traceId'],
  metrics: ['service', 'host'],
  transactions: ['userId', 'merchant', 'country', 'status'],
  security: ['action', 'userId', 'ip', 'resource'],
};
const ANY_FIELDS = ['service', 'host', 'userId', 'ip', 'action', 'level'];

const shown = (v: unknown): string | null =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : null;
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const fmt = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

/** A log's message; for other sources a one-line summary of what they measured or did. */
export function eventSummary(source: Source | null, e: Record<string, unknown>): string {
  if (typeof e.message === 'string') return e.message;
  const parts: string[] = [];
  const add = (label: string, value: number | null, unit = '') => {
    if (value !== null) parts.push(`${label} ${fmt.format(value)}${unit}`);
  };
  if (source === 'metrics') {
    add('cpu', num(e.cpu), '%');
    add('memory', num(e.memory), '%');
    add('latency', num(e.latencyMs), ' ms');
    add('error rate', num(e.errorRate));
  } else if (source === 'transactions') {
    const amount = num(e.amount);
    if (amount !== null)
      parts.push(`${fmt.format(amount)} ${typeof e.currency === 'string' ? e.currency : ''}`.trim());
  } else if (source === 'security') {
    add('bytes', num(e.bytes));
  }
  return parts.join(' · ');
}

/** The fields that identify an event for its source, in a fixed order, present ones only. */
export const keyFields = (
  source: Source | null,
  e: Record<string, unknown>,
): { name: string; value: string }[] =>
  (source ? KEY_FIELDS[source] : ANY_FIELDS).flatMap((name) => {
    const value = shown(e[name]);
    return value === null || value === '' ? [] : [{ name, value }];
  });

/** The events behind an alert as table rows. */
export function evidenceRows(items: readonly EvidenceEvent[]): EvidenceRow[] {
  return items.map((item, i) => {
    const e = item.event;
    const position = `${item.topic} / ${item.partition} @ ${item.offset ?? '?'}`;
    return {
      id: item.offset === null ? `${item.archiveKey}#${i}` : `${item.topic}/${item.partition}/${item.offset}`,
      time: typeof e.ts === 'string' ? e.ts : null,
      source: item.source,
      fields: keyFields(item.source, e),
      message: eventSummary(item.source, e),
      position,
    };
  });
}
