import { describe, expect, it } from 'vitest';
import { readAlertEvents } from '../api/evidence-reader.ts';
import { evidenceRows } from './evidence-rows.ts';

const item = (source: string, event: Record<string, unknown>, offset: string | null = '7') => ({
  source,
  topic: `events.${source}`,
  partition: 1,
  offset,
  archiveKey: 'raw/k',
  event,
});

describe('evidence rows', () => {
  it('shows a log with its key fields, message and bus position', () => {
    const [row] = evidenceRows(
      readAlertEvents({
        items: [
          item('logs', {
            ts: '2030-01-01T10:00:00Z',
            service: 'payments',
            level: 'ERROR',
            message: 'card declined',
            extra: 'kept in the raw event only',
          }),
        ],
      }).items,
    );
    expect(row).toEqual({
      id: 'events.logs/1/7',
      time: '2030-01-01T10:00:00Z',
      source: 'logs',
      fields: [
        { name: 'service', value: 'payments' },
        { name: 'level', value: 'ERROR' },
      ],
      message: 'card declined',
      position: 'events.logs / 1 @ 7',
    });
  });

  it('summarises what a metric sample, a transaction and a security event measured', () => {
    const rows = evidenceRows(
      readAlertEvents({
        items: [
          item('metrics', { ts: 't', service: 's', host: 'h1', cpu: 95, latencyMs: 1500.5 }),
          item('transactions', { ts: 't', userId: 'u1', amount: 12000, currency: 'EUR' }),
          item('security', { ts: 't', action: 'data_transfer', ip: '10.0.0.1', bytes: 200000000 }),
        ],
      }).items,
    );
    expect(rows.map((r) => r.message)).toEqual([
      'cpu 95% · latency 1,500.5 ms',
      '12,000 EUR',
      'bytes 200,000,000',
    ]);
    expect(rows.map((r) => r.fields.map((f) => f.name))).toEqual([
      ['service', 'host'],
      ['userId'],
      ['action', 'ip'],
    ]);
  });

  it('keeps rows of events whose offset is unknown apart, and shows the position as unknown', () => {
    const rows = evidenceRows(
      readAlertEvents({ items: [item('logs', { message: 'a' }, null), item('logs', { message: 'b' }, null)] })
        .items,
    );
    expect(rows.map((r) => r.id)).toEqual(['raw/k#0', 'raw/k#1']);
    expect(rows[0]?.position).toBe('events.logs / 1 @ ?');
    expect(rows[0]?.time).toBeNull();
  });

  it('reads a lenient body: items without an event are dropped, missing lists are empty', () => {
    expect(readAlertEvents({ items: [{ source: 'logs' }, null], truncated: 'yes' })).toEqual({
      items: [],
      pending: [],
      unreadable: [],
      truncated: false,
    });
    expect(readAlertEvents({ pending: [{ topic: 't', partition: 2, offset: '9' }] }).pending).toEqual([
      { topic: 't', partition: 2, offset: '9' },
    ]);
  });
});
