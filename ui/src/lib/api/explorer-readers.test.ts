import { describe, expect, it } from 'vitest';
import { readEntities, readEventPage, readTimeseries } from './explorer-readers.ts';

describe('readEventPage', () => {
  it("reads the gateway's items with their position and cursor", () => {
    const item = {
      id: 'logs:0:12@1700',
      source: 'logs',
      ts: '2026-03-01T12:00:00.000Z',
      position: { partition: 0, offset: '12' },
      event: { ts: '2026-03-01T12:00:00.000Z', service: 'payments', message: 'boom' },
    };
    expect(readEventPage({ items: [item], nextCursor: 'c1' })).toEqual({ items: [item], nextCursor: 'c1' });
  });

  it('falls back to the body for ts and source, to the position for the id, and drops items without an event', () => {
    const page = readEventPage({
      items: [
        { partition: 2, offset: 7, event: { ts: 't', source: 'metrics' } },
        { id: 'x', source: 'logs' },
        'junk',
        { event: {} },
      ],
    });
    expect(page.items).toEqual([
      {
        id: 'metrics:2:7',
        source: 'metrics',
        ts: 't',
        position: { partition: 2, offset: '7' },
        event: { ts: 't', source: 'metrics' },
      },
    ]);
    expect(page.nextCursor).toBeNull();
    expect(readEventPage(null)).toEqual({ items: [], nextCursor: null });
  });
});

describe('readTimeseries', () => {
  it('reads points under points, items or a bare array; nulls stay null', () => {
    const point = { bucketStart: '2026-03-01T12:00:00.000Z', avg: 41.5, max: 80, count: 3 };
    const empty = { bucketStart: '2026-03-01T12:01:00.000Z', avg: null, max: null, count: 0 };
    expect(readTimeseries({ points: [point, empty] })).toEqual([point, empty]);
    expect(readTimeseries({ items: [point] })).toEqual([point]);
    expect(readTimeseries([point])).toEqual([point]);
  });

  it('drops points without a readable bucket time', () => {
    expect(readTimeseries({ points: [{ avg: 1 }, { bucketStart: 'soon', avg: 1 }] })).toEqual([]);
  });
});

describe('readEntities', () => {
  it('reads ranked entities with their recent alerts', () => {
    const entities = readEntities(
      {
        items: [
          {
            kind: 'user',
            value: 'alice',
            score: 12.5,
            alertCount: 4,
            lastAlertAt: 'L',
            recentAlerts: [
              { id: 'a1', ruleId: 'r', severity: 'critical', title: 'T', detectedAt: 'd' },
              { nope: 1 },
            ],
          },
        ],
      },
      'user',
    );
    expect(entities).toEqual([
      {
        kind: 'user',
        value: 'alice',
        score: 12.5,
        alertCount: 4,
        lastAlertAt: 'L',
        alerts: [{ id: 'a1', ruleId: 'r', severity: 'critical', title: 'T', detectedAt: 'd' }],
      },
    ]);
  });

  it('accepts key for the value and recentAlerts for the alerts, defaults the kind and score', () => {
    const [ip] = readEntities(
      { items: [{ key: '10.0.0.5', riskScore: 3, recentAlerts: [{ id: 'a', severity: 'bogus' }] }] },
      'ip',
    );
    expect(ip).toEqual({
      kind: 'ip',
      value: '10.0.0.5',
      score: 3,
      alertCount: 1,
      lastAlertAt: null,
      alerts: [{ id: 'a', ruleId: null, severity: null, title: null, detectedAt: null }],
    });
    expect(readEntities({ items: [{ score: 1 }] }, 'ip')).toEqual([]);
  });
});
