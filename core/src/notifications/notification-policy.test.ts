import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/vigil-error.ts';
import { parsePolicy, ROUTE_DEFAULTS, validatePolicy } from './notification-policy.ts';

const problemsOf = (input: unknown) => validatePolicy(input).list;

describe('parsePolicy', () => {
  it('fills in the documented defaults', () => {
    const policy = parsePolicy({ routes: [{ channels: ['c1'] }] });
    expect(policy.routes[0]).toEqual({ ...ROUTE_DEFAULTS, matchers: {}, channels: ['c1'] });
    expect(ROUTE_DEFAULTS).toMatchObject({
      groupBy: ['ruleId'],
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
      sendResolved: true,
      bypassGroupWaitAtLeast: 'critical',
      continue: false,
    });
  });
  it('takes the shape of DESIGN.md as it is', () => {
    const route = {
      matchers: {
        severity: ['high', 'critical'],
        source: ['logs'],
        service: ['payments'],
        ruleId: ['logs.error-spike'],
      },
      channels: ['ch'],
      groupBy: ['ruleId', 'key'],
      groupWaitMs: 30000,
      groupIntervalMs: 300000,
      repeatIntervalMs: 14400000,
      sendResolved: true,
      continue: false,
    };
    expect(parsePolicy({ routes: [route] }).routes[0]).toMatchObject(route);
  });
  it('throws one ValidationError listing every problem by field', () => {
    const error = (() => {
      try {
        parsePolicy({
          routes: [
            { channels: [], groupWait: 1 },
            { channels: ['a'], groupWaitMs: -1, matchers: { severity: ['urgent'], minSeverity: 'x' } },
          ],
        });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).details).toEqual({
      problems: expect.arrayContaining([
        { field: 'routes[0].groupWait', reason: expect.stringContaining('unknown field') },
        { field: 'routes[0].channels', reason: expect.any(String) },
        { field: 'routes[1].groupWaitMs', reason: expect.stringContaining('milliseconds') },
        { field: 'routes[1].matchers.severity[0]', reason: expect.stringContaining('one of') },
        { field: 'routes[1].matchers.minSeverity', reason: expect.any(String) },
      ]),
    });
  });
});

describe('validatePolicy', () => {
  it('accepts a valid policy with no problems', () => {
    expect(problemsOf({ routes: [] })).toEqual([]);
  });
  it('refuses what is not a policy', () => {
    expect(problemsOf(null)).toEqual([{ field: '', reason: expect.any(String) }]);
    expect(problemsOf({ routes: 'x' })).toEqual([{ field: 'routes', reason: expect.any(String) }]);
  });
  it('bounds the intervals', () => {
    const fields = problemsOf({
      routes: [{ channels: ['a'], groupIntervalMs: 10, repeatIntervalMs: 1_000, groupWaitMs: 7_200_000 }],
    }).map((p) => p.field);
    expect(fields).toEqual([
      'routes[0].groupWaitMs',
      'routes[0].groupIntervalMs',
      'routes[0].repeatIntervalMs',
    ]);
  });
  it('refuses a channel listed twice, a groupBy field that is not one, NUL in a value', () => {
    const fields = problemsOf({
      routes: [{ channels: ['a', 'a'], groupBy: ['host'], matchers: { service: ['x\u0000'] } }],
    }).map((p) => p.field);
    expect(fields).toEqual(['routes[0].matchers.service[0]', 'routes[0].channels', 'routes[0].groupBy[0]']);
  });
  it('takes null for bypassGroupWaitAtLeast', () => {
    expect(problemsOf({ routes: [{ channels: ['a'], bypassGroupWaitAtLeast: null }] })).toEqual([]);
  });
});
