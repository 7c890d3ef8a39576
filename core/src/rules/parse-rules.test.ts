import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/vigil-error.ts';
import { parseRules } from './parse-rules.ts';

const base = { id: 'r1', title: 'A rule', source: 'logs', severity: 'high' } as const;
const count = { ...base, kind: 'count', keyBy: ['service'], threshold: 20, windowMs: 180_000 };

/** The problems parseRules reports for a file holding these rules. */
function problemsOf(...rules: unknown[]): string[] {
  try {
    parseRules({ version: 1, rules });
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe('validation_failed');
    return (err as ValidationError).details as string[];
  }
  throw new Error('expected parseRules to throw');
}

describe('parseRules', () => {
  describe('accepts', () => {
    it('JSON text or a parsed value, and fills defaults', () => {
      const rules = parseRules(JSON.stringify({ rules: [count] }));
      expect(rules).toEqual([{ ...count, enabled: true, resolveAfterMs: 300_000 }]);
      expect(parseRules({ rules: [count] })).toEqual(rules);
    });

    it('per-event rules without keyBy get their source default key', () => {
      const [rule] = parseRules({
        rules: [{ ...base, kind: 'match', where: { field: 'level', eq: 'ERROR' } }],
      });
      expect(rule).toMatchObject({ keyBy: ['service'], enabled: true });
    });

    it('sustained and zscore defaults', () => {
      const rules = parseRules({
        rules: [
          {
            ...base,
            id: 's',
            source: 'metrics',
            kind: 'sustained',
            keyBy: ['host'],
            field: 'cpu',
            op: 'gte',
            threshold: 80,
            durationMs: 120_000,
            minSamples: 3,
          },
          { ...base, id: 'z', kind: 'zscore', keyBy: ['service'], threshold: 3, baselineMs: 1_800_000 },
        ],
      });
      expect(rules[0]).toMatchObject({ maxGapMs: 120_000 });
      expect(rules[1]).toMatchObject({ bucketMs: 60_000, minBaselineBuckets: 10 });
    });

    it('keeps disabled rules (the engine skips them) and $comment notes', () => {
      const [rule] = parseRules({ $comment: 'ours', rules: [{ ...count, enabled: false, $comment: 'why' }] });
      expect(rule).toMatchObject({ enabled: false, $comment: 'why' });
    });

    it('returns frozen rules detached from the input', () => {
      const input = { rules: [structuredClone(count)] };
      const [rule] = parseRules(input);
      input.rules[0]!.threshold = 1;
      expect(rule?.kind === 'count' && rule.threshold).toBe(20);
      expect(Object.isFrozen(rule)).toBe(true);
    });
  });

  describe('rejects, naming the rule and the field', () => {
    it('an unknown or missing kind', () => {
      expect(problemsOf({ ...base, kind: 'spike' })).toEqual([
        'rules[0] "r1": kind: unknown kind "spike" (expected one of threshold, match, count, sustained, zscore, distinct, sequence, absence)',
      ]);
      expect(problemsOf({ ...base })[0]).toMatch(/^rules\[0\] "r1": kind: missing/);
    });

    it('a bad threshold', () => {
      expect(problemsOf({ ...count, threshold: 0 })).toEqual([
        'rules[0] "r1": threshold: expected integer to be greater or equal to 1 (got 0)',
      ]);
      expect(problemsOf({ ...count, threshold: 'high' })).toEqual([
        'rules[0] "r1": threshold: expected integer (got "high")',
      ]);
      expect(problemsOf({ ...count, threshold: 2.5 })[0]).toMatch(/threshold: expected integer/);
    });

    it('a missing field, and a misspelt one with a suggestion', () => {
      const { windowMs: _, ...noWindow } = count;
      expect(problemsOf(noWindow)).toEqual(['rules[0] "r1": windowMs: missing']);
      expect(problemsOf({ ...noWindow, windowMS: 1000 })).toEqual([
        'rules[0] "r1": windowMs: missing',
        'rules[0] "r1": windowMS: not a field of count rules (did you mean "windowMs"?)',
      ]);
      expect(problemsOf({ ...base, kind: 'match' })).toEqual(['rules[0] "r1": where: missing']);
    });

    it('a duplicate id', () => {
      expect(problemsOf(count, { ...count })).toEqual([
        'rules[1] "r1": duplicate id (already used by rules[0])',
      ]);
    });

    it('enumerations: severity, source, op', () => {
      expect(problemsOf({ ...count, severity: 'urgent', source: 'audit' })).toEqual([
        'rules[0] "r1": source: expected one of logs, metrics, transactions, security, got "audit"',
        'rules[0] "r1": severity: expected one of info, low, medium, high, critical, got "urgent"',
      ]);
      const threshold = {
        ...base,
        source: 'metrics',
        kind: 'threshold',
        field: 'cpu',
        op: 'above',
        threshold: 1,
      };
      expect(problemsOf(threshold)).toEqual([
        'rules[0] "r1": op: expected one of gt, gte, lt, lte, got "above"',
      ]);
    });

    it('fields the source does not have, or of the wrong type', () => {
      const threshold = {
        ...base,
        source: 'metrics',
        kind: 'threshold',
        field: 'latncyMs',
        op: 'gt',
        threshold: 1,
      };
      expect(problemsOf(threshold)[0]).toMatch(
        /^rules\[0\] "r1": field: metrics events have no field "latncyMs" \(known: .*latencyMs/,
      );
      expect(problemsOf({ ...threshold, field: 'host' })).toEqual([
        'rules[0] "r1": field: "host" is a string, not a number',
      ]);
      expect(problemsOf({ ...count, keyBy: ['service', 'tenant'] })[0]).toMatch(
        /keyBy\[1\]: logs events have no field "tenant"/,
      );
    });

    it('a zscore baseline that buckets do not tile or that is too short', () => {
      const z = { ...base, kind: 'zscore', keyBy: ['service'], threshold: 3 };
      expect(problemsOf({ ...z, baselineMs: 1_000_000 })).toEqual([
        'rules[0] "r1": baselineMs: 1000000 is not a multiple of bucketMs 60000',
      ]);
      expect(problemsOf({ ...z, baselineMs: 300_000 })).toEqual([
        'rules[0] "r1": minBaselineBuckets: 10 is more than the 5 buckets of the baseline',
      ]);
    });

    it('every problem of every rule at once', () => {
      const problems = problemsOf({ ...count, threshold: -1 }, { ...count, id: 'r2', kind: 'nope' }, 7, {
        ...count,
        id: 'r4',
        windowMs: 0,
      });
      expect(problems).toHaveLength(4);
      expect(problems[2]).toBe('rules[2]: expected a rule object, got 7');
      expect(problems[3]).toMatch(/^rules\[3\] "r4": windowMs: /);
    });
  });

  describe('checks where conditions', () => {
    const match = (where: unknown) => ({ ...base, kind: 'match', where });

    it('values outside the contract (typos in enums)', () => {
      expect(problemsOf(match({ field: 'level', in: ['ERROR', 'CRITCAL'] }))).toEqual([
        'rules[0] "r1": where.in: "CRITCAL" is not a possible value of "level" (DEBUG, INFO, WARN, ERROR, CRITICAL)',
      ]);
    });

    it('operator count, operand types and unknown keys, with paths', () => {
      const problems = problemsOf(
        match({
          all: [
            { field: 'message', contains: 'x', gt: 3 },
            { field: 'nope', eq: 1 },
            { any: [] },
            { field: 'message', gt: 3 },
            { field: 'level', eq: 'ERROR', caseInsensitive: true },
            { field: 'level', equals: 'ERROR' },
          ],
        }),
      );
      expect(problems).toEqual([
        'rules[0] "r1": where.all[0]: expected exactly one operator of eq/ne/in/notIn/gt/gte/lt/lte/contains/exists, got gt, contains',
        expect.stringMatching(/^rules\[0\] "r1": where\.all\[1\]\.field: logs events have no field "nope"/),
        'rules[0] "r1": where.all[2].any: expected a non-empty array of conditions',
        'rules[0] "r1": where.all[3].gt: field "message" is a string, not a number',
        'rules[0] "r1": where.all[4].caseInsensitive: only a boolean beside "contains"',
        expect.stringMatching(/^rules\[0\] "r1": where\.all\[5\]: unknown key "equals"/),
        'rules[0] "r1": where.all[5]: expected exactly one operator of eq/ne/in/notIn/gt/gte/lt/lte/contains/exists, got none',
      ]);
    });

    it('combinators mixed with a leaf, and nesting that is too deep', () => {
      expect(problemsOf(match({ not: { field: 'level', eq: 'INFO' }, field: 'level' }))[0]).toMatch(
        /where: "not" cannot be combined with field/,
      );
      let deep: unknown = { field: 'level', eq: 'INFO' };
      for (let i = 0; i < 9; i++) deep = { not: deep };
      expect(problemsOf(match(deep))[0]).toMatch(/conditions nest deeper than 8 levels/);
    });
  });

  describe('resolveAfterMs', () => {
    it("defaults to the rule's window, at least 5 min", () => {
      const long = { ...count, windowMs: 900_000 };
      const threshold = {
        ...base,
        id: 't',
        source: 'metrics',
        kind: 'threshold',
        field: 'cpu',
        op: 'gt',
        threshold: 1,
      };
      const rules = parseRules({ rules: [count, { ...long, id: 'long' }, threshold] });
      expect(rules.map((r) => r.resolveAfterMs)).toEqual([300_000, 900_000, 300_000]);
    });

    it('keeps a value given, and names the field when it is bad', () => {
      expect(parseRules({ rules: [{ ...count, resolveAfterMs: 60_000 }] })[0]?.resolveAfterMs).toBe(60_000);
      expect(problemsOf({ ...count, resolveAfterMs: 0 })).toEqual([
        'rules[0] "r1": resolveAfterMs: expected integer to be greater or equal to 1 (got 0)',
      ]);
      expect(problemsOf({ ...count, resolveAfterMs: 'soon' })).toEqual([
        'rules[0] "r1": resolveAfterMs: expected integer (got "soon")',
      ]);
      expect(problemsOf({ ...count, resolveAfterMs: 86_400_001 })).toEqual([
        'rules[0] "r1": resolveAfterMs: expected integer to be less or equal to 86400000 (got 86400001)',
      ]);
    });
  });

  describe('the wave-2 kinds, with the same per-field errors', () => {
    const sec = { ...base, source: 'security' } as const;
    const distinct = {
      ...sec,
      kind: 'distinct',
      where: { field: 'action', eq: 'login_failure' },
      keyBy: ['ip'],
      field: 'userId',
      threshold: 10,
      windowMs: 300_000,
    };
    const sequence = {
      ...sec,
      kind: 'sequence',
      keyBy: ['userId'],
      first: { field: 'action', eq: 'login_failure' },
      threshold: 5,
      followedBy: { field: 'action', eq: 'login_success' },
      windowMs: 600_000,
    };
    const absence = { ...base, source: 'metrics', kind: 'absence', keyBy: ['host'], durationMs: 120_000 };

    it('accepts each, filling only enabled and resolveAfterMs', () => {
      expect(parseRules({ rules: [distinct, { ...sequence, id: 'r2' }, { ...absence, id: 'r3' }] })).toEqual([
        { ...distinct, enabled: true, resolveAfterMs: 300_000 },
        { ...sequence, id: 'r2', enabled: true, resolveAfterMs: 600_000 },
        { ...absence, id: 'r3', enabled: true, resolveAfterMs: 300_000 },
      ]);
    });

    it('distinct: missing or bad fields, unknown field, counting its own key field', () => {
      const { field: _, ...noField } = distinct;
      expect(problemsOf({ ...noField, threshold: 0, windowMs: 'long' })).toEqual([
        'rules[0] "r1": field: missing',
        'rules[0] "r1": threshold: expected integer to be greater or equal to 1 (got 0)',
        'rules[0] "r1": windowMs: expected integer (got "long")',
      ]);
      expect(problemsOf({ ...distinct, threshold: 10_001 })).toEqual([
        'rules[0] "r1": threshold: expected integer to be less or equal to 10000 (got 10001)',
      ]);
      expect(problemsOf({ ...distinct, field: 'user' })[0]).toMatch(
        /^rules\[0\] "r1": field: security events have no field "user" \(known: .*userId/,
      );
      expect(problemsOf({ ...distinct, field: 'ip' })).toEqual([
        'rules[0] "r1": field: "ip" is a key field: each key has one value of it, never more',
      ]);
      expect(problemsOf({ ...distinct, keyBy: undefined })).toEqual(['rules[0] "r1": keyBy: missing']);
    });

    it('sequence: both conditions required and checked with their paths', () => {
      const { followedBy: _, ...noThen } = sequence;
      expect(problemsOf(noThen)).toEqual(['rules[0] "r1": followedBy: missing']);
      expect(
        problemsOf({
          ...sequence,
          first: { field: 'action', eq: 'login_fail' },
          followedBy: { all: [{ field: 'bytes', contains: 'x' }] },
        }),
      ).toEqual([
        expect.stringMatching(
          /^rules\[0\] "r1": first\.eq: "login_fail" is not a possible value of "action"/,
        ),
        'rules[0] "r1": followedBy.all[0].contains: field "bytes" is a number, not a string',
      ]);
      expect(problemsOf({ ...sequence, threshold: 1_001 })).toEqual([
        'rules[0] "r1": threshold: expected integer to be less or equal to 1000 (got 1001)',
      ]);
      expect(problemsOf({ ...sequence, firstly: {} })).toEqual([
        'rules[0] "r1": firstly: not a field of sequence rules (fields: $comment, id, title, description, source, severity, enabled, where, resolveAfterMs, kind, keyBy, first, threshold, followedBy, windowMs)',
      ]);
    });

    it('absence: durationMs within limits, keyBy required, no condition fields of other kinds', () => {
      expect(problemsOf({ ...absence, durationMs: 0 })).toEqual([
        'rules[0] "r1": durationMs: expected integer to be greater or equal to 1 (got 0)',
      ]);
      expect(problemsOf({ ...absence, durationMs: 86_400_001 })).toEqual([
        'rules[0] "r1": durationMs: expected integer to be less or equal to 86400000 (got 86400001)',
      ]);
      expect(problemsOf({ ...absence, keyBy: ['hostname'] })[0]).toMatch(
        /keyBy\[0\]: metrics events have no field "hostname"/,
      );
      expect(problemsOf({ ...absence, followedBy: { field: 'cpu', gt: 1 } })).toEqual([
        expect.stringMatching(/^rules\[0\] "r1": followedBy: not a field of absence rules/),
      ]);
      expect(problemsOf({ ...absence, windowMs: 1000 })).toEqual([
        expect.stringMatching(/^rules\[0\] "r1": windowMs: not a field of absence rules/),
      ]);
    });
  });

  describe('rejects the file itself', () => {
    const problems = (input: unknown) => {
      try {
        parseRules(input);
      } catch (err) {
        return (err as ValidationError).details;
      }
      return [];
    };

    it('when it is not JSON, not an object with rules, or of another version', () => {
      expect(problems('{"rules": [')).toEqual([expect.stringMatching(/^not valid JSON: /)]);
      expect(problems([count])).toEqual(['expected an object {"version": 1, "rules": [...]}']);
      expect(problems({ version: 2, rules: [], extra: true })).toEqual([
        'unknown top-level key "extra"',
        'version: expected 1, got 2',
      ]);
    });

    it('with a message that lists the problems', () => {
      expect(() => parseRules({ rules: [{ ...count, threshold: 0 }] })).toThrow(
        /^invalid rules \(1 problem\): rules\[0\] "r1": threshold/,
      );
    });
  });
});
