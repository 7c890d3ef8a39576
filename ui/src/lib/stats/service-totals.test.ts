import { describe, expect, it } from 'vitest';
import type { ServiceSummary } from '../api/normalize.ts';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { addToServices } from './service-totals.ts';

const zero = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
const base: ServiceSummary[] = [
  {
    service: 'auth',
    total: 2,
    open: 2,
    bySeverity: { ...zero, low: 2 },
    lastAlertAt: '2026-01-01T00:00:00.000Z',
  },
  {
    service: 'payments',
    total: 1,
    open: 1,
    bySeverity: { ...zero, high: 1 },
    lastAlertAt: '2026-01-01T00:00:00.000Z',
  },
];

describe('addToServices', () => {
  it('counts live alerts into their service and re-ranks', () => {
    const next = addToServices(base, [
      makeAlert({
        id: 'a',
        service: 'payments',
        severity: 'critical',
        detectedAt: '2026-01-01T01:00:00.000Z',
      }),
      makeAlert({ id: 'b', service: 'payments' }),
    ]);
    expect(next.map((s) => s.service)).toEqual(['payments', 'auth']);
    expect(next[0]).toMatchObject({ total: 3, open: 3, lastAlertAt: '2026-01-01T01:00:00.000Z' });
    expect(next[0]?.bySeverity.critical).toBe(1);
    expect(base[1]?.total).toBe(1);
  });

  it('adds a service seen for the first time and ignores alerts without one', () => {
    const next = addToServices(base, [
      makeAlert({ id: 'c', service: 'search' }),
      makeAlert({ id: 'd', service: null }),
    ]);
    expect(next.map((s) => s.service)).toContain('search');
    expect(next).toHaveLength(3);
  });

  it('skips alerts the REST answer already counted', () => {
    expect(addToServices(base, [makeAlert({ id: 'seen' })], new Set(['seen']))).toBe(base);
  });
});
