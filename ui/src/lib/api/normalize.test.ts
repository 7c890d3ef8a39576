import { parseRules } from '@vigil/core/rules';
import { describe, expect, it } from 'vitest';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { readAlertPage, readRules, readServices, readSummary, readTimeline } from './normalize.ts';

describe('REST body readers', () => {
  it('reads an alert page and an end-of-list cursor', () => {
    const alert = makeAlert();
    expect(readAlertPage({ items: [alert, { nope: 1 }], nextCursor: 'n2' })).toEqual({
      items: [alert],
      nextCursor: 'n2',
    });
    expect(readAlertPage({ items: [], nextCursor: null }).nextCursor).toBeNull();
  });

  it('fills every severity and source of a summary, zero when absent', () => {
    const summary = readSummary({
      total: 3,
      bySeverity: { high: 3 },
      byService: { pay: 3 },
      byRuleId: { r: 3 },
    });
    expect(summary.bySeverity).toEqual({ info: 0, low: 0, medium: 0, high: 3, critical: 0 });
    expect(summary.bySource.logs).toBe(0);
    expect(summary.byService).toEqual({ pay: 3 });
    expect(summary.byStatus).toBeNull();
    expect(readSummary({ byStatus: { open: 2 } }).byStatus).toEqual({ open: 2 });
  });

  it('reads a timeline given bare or wrapped, skipping points without a time', () => {
    const point = { bucketStart: '2026-01-01T00:00:00.000Z', total: 1, bySeverity: { low: 1 } };
    expect(readTimeline([point])).toHaveLength(1);
    expect(readTimeline({ points: [point, { total: 2 }] })).toHaveLength(1);
    expect(readTimeline('garbage')).toEqual([]);
  });

  it('reads service summaries given bare or as {items}', () => {
    const row = {
      service: 'pay',
      total: 4,
      open: 2,
      bySeverity: { high: 4 },
      lastAlertAt: '2026-01-01T00:00:00Z',
    };
    expect(readServices([row])[0]).toMatchObject({ service: 'pay', total: 4, open: 2 });
    expect(readServices({ items: [row] })).toHaveLength(1);
    expect(readServices({ services: [{ name: 'x', count: 1 }] })[0]).toMatchObject({
      service: 'x',
      total: 1,
    });
  });

  it('reads rules from the served shape, the rules file shape or a bare list', () => {
    const [rule] = parseRules({
      rules: [
        {
          id: 'r1',
          title: 'R',
          source: 'logs',
          severity: 'low',
          kind: 'count',
          keyBy: ['service'],
          threshold: 3,
          windowMs: 60000,
        },
      ],
    });
    expect(readRules({ items: [rule] })).toEqual([rule]);
    expect(readRules({ version: 1, rules: [rule] })).toEqual([rule]);
    expect(readRules([rule, { kind: 'no id' }])).toEqual([rule]);
  });

  it('leaves out items that are not a rule of a kind this build knows', () => {
    const base = { id: 'r', title: 'R', source: 'logs', severity: 'low', keyBy: ['service'] };
    expect(
      readRules([{ ...base, kind: 'future' }, { ...base, kind: 'match', source: 'nope' }, { id: 'x' }]),
    ).toEqual([]);
  });
});
