import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/vigil-error.ts';
import { canonicalJson, isRuleId, ruleVersionOf, withRuleVersion } from './managed-rule.ts';
import { parseRule, parseRules } from './parse-rules.ts';

const count = {
  id: 'r1',
  title: 'A rule',
  source: 'logs',
  severity: 'high',
  kind: 'count',
  keyBy: ['service'],
  threshold: 20,
  windowMs: 180_000,
} as const;

function problemsOf(rule: unknown) {
  try {
    parseRule(rule);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return ((err as ValidationError).details as { problems: unknown[] }).problems;
  }
  throw new Error('expected parseRule to throw');
}

describe('parseRule', () => {
  it('fills the defaults parseRules fills', () => {
    expect(parseRule(count)).toEqual(parseRules({ rules: [count] })[0]);
  });

  it('lists every problem by field, with the hints of the file parser', () => {
    const { windowMs: _, ...noWindow } = count;
    const problems = problemsOf({
      ...noWindow,
      windowMS: 1,
      where: { field: 'level', in: ['CRITCAL'] },
      severity: 'huge',
    });
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'severity', reason: 'expected one of info, low, medium, high, critical, got "huge"' },
        { field: 'windowMs', reason: 'missing' },
        { field: 'windowMS', reason: 'not a field of count rules (did you mean "windowMs"?)' },
        {
          field: 'where.in',
          reason: expect.stringContaining('"CRITCAL" is not a possible value of "level"'),
        },
      ]),
    );
  });

  it('names no field for a problem of the whole rule', () => {
    expect(problemsOf(42)).toEqual([{ field: '', reason: 'expected a rule object, got 42' }]);
    expect(problemsOf({ id: 'x' })).toEqual([{ field: 'kind', reason: expect.stringContaining('missing') }]);
  });
});

describe('managed rules', () => {
  it('rule ids: letters, digits, dot, underscore, dash', () => {
    expect(isRuleId('logs.error-spike_2')).toBe(true);
    for (const bad of ['', '.x', 'a b', 'a/b', 'ü', 'x'.repeat(129), 7]) expect(isRuleId(bad)).toBe(false);
  });

  it('a loaded rule is version 1 unless stamped', () => {
    const rule = parseRule(count);
    expect(ruleVersionOf(rule)).toBe(1);
    expect(ruleVersionOf(withRuleVersion(rule, 4))).toBe(4);
  });

  it('canonical JSON ignores key order at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: 0 } })).toBe(
      canonicalJson({ a: { c: 0, d: [{ x: 2, y: 1 }] }, b: 1 }),
    );
  });
});
