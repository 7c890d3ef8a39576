import type { Condition } from '@vigil/core/rules';
import { describe, expect, it } from 'vitest';
import { compileCondition, conditionText, describeCondition } from './condition.ts';

const event = { level: 'ERROR', message: 'Charge FAILED', cpu: 85, latencyMs: 1200, userId: 'u1' };
const test = (condition: Condition, e: Record<string, unknown> = event) => compileCondition(condition)(e);

describe('compileCondition', () => {
  it('compares scalars and sets', () => {
    expect(test({ field: 'level', eq: 'ERROR' })).toBe(true);
    expect(test({ field: 'level', ne: 'ERROR' })).toBe(false);
    expect(test({ field: 'level', in: ['ERROR', 'CRITICAL'] })).toBe(true);
    expect(test({ field: 'level', notIn: ['ERROR', 'CRITICAL'] })).toBe(false);
  });

  it('compares numbers at their edges', () => {
    expect(test({ field: 'cpu', gt: 85 })).toBe(false);
    expect(test({ field: 'cpu', gte: 85 })).toBe(true);
    expect(test({ field: 'cpu', lt: 85 })).toBe(false);
    expect(test({ field: 'cpu', lte: 85 })).toBe(true);
    expect(test({ field: 'level', gt: 0 })).toBe(false);
  });

  it('finds substrings, case-sensitively unless asked, without regex surprises', () => {
    expect(test({ field: 'message', contains: 'failed' })).toBe(false);
    expect(test({ field: 'message', contains: 'failed', caseInsensitive: true })).toBe(true);
    expect(test({ field: 'message', contains: 'a.e', caseInsensitive: true }, { message: 'charge' })).toBe(
      false,
    );
    expect(test({ field: 'message', contains: '(', caseInsensitive: true }, { message: 'f(x)' })).toBe(true);
  });

  it('treats a missing field as failing positive tests and passing negative ones', () => {
    const empty = {};
    expect(test({ field: 'userId', eq: 'u1' }, empty)).toBe(false);
    expect(test({ field: 'cpu', lt: 10 }, empty)).toBe(false);
    expect(test({ field: 'message', contains: 'x' }, empty)).toBe(false);
    expect(test({ field: 'userId', ne: 'u1' }, empty)).toBe(true);
    expect(test({ field: 'userId', notIn: ['u1'] }, empty)).toBe(true);
    expect(test({ field: 'userId', exists: false }, empty)).toBe(true);
    expect(test({ field: 'userId', exists: true })).toBe(true);
  });

  it('combines with all, any and not', () => {
    const both: Condition = {
      all: [
        { field: 'cpu', gte: 80 },
        { field: 'latencyMs', gt: 1000 },
      ],
    };
    expect(test(both)).toBe(true);
    expect(test(both, { ...event, latencyMs: 1000 })).toBe(false);
    expect(
      test({
        any: [
          { field: 'cpu', gt: 99 },
          { field: 'level', eq: 'ERROR' },
        ],
      }),
    ).toBe(true);
    expect(
      test({
        any: [
          { field: 'cpu', gt: 99 },
          { field: 'level', eq: 'INFO' },
        ],
      }),
    ).toBe(false);
    expect(test({ not: { field: 'level', eq: 'INFO' } })).toBe(true);
  });
});

describe('describeCondition', () => {
  it('says why an event matched, with its values', () => {
    const both: Condition = {
      all: [
        { field: 'cpu', gte: 80 },
        { field: 'latencyMs', gt: 1000 },
      ],
    };
    expect(describeCondition(both, event)).toBe('cpu 85 ≥ 80 and latencyMs 1200 > 1000');
    expect(
      describeCondition(
        {
          any: [
            { field: 'cpu', gt: 99 },
            { field: 'level', in: ['ERROR'] },
          ],
        },
        event,
      ),
    ).toBe('level "ERROR" in [ERROR]');
  });

  it('cuts long strings', () => {
    const text = describeCondition({ field: 'message', contains: 'x' }, { message: 'x'.repeat(500) });
    expect(text.length).toBeLessThan(160);
    expect(text).toMatch(/…" contains "x"$/);
  });
});

describe('conditionText', () => {
  it('renders the condition without values', () => {
    expect(conditionText({ field: 'level', in: ['ERROR', 'CRITICAL'] })).toBe('level in [ERROR, CRITICAL]');
    expect(
      conditionText({ any: [{ field: 'cpu', gte: 80 }, { not: { field: 'host', exists: true } }] }),
    ).toBe('(cpu ≥ 80 or not (host present))');
  });
});
