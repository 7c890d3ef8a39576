import { describe, expect, it, vi } from 'vitest';

// The dashboard's CSP forbids `new Function`: TypeBox's compiler throws EvalError there, as it does here.
vi.mock('@sinclair/typebox/compiler', () => ({
  TypeCompiler: {
    Compile: () => {
      throw new EvalError('Refused to evaluate a string as JavaScript');
    },
  },
}));

const { parseRule } = await import('./parse-rules.ts');

describe('parseRule where eval is forbidden (the dashboard)', () => {
  it('gives the same problems and hints, interpreting the schema', () => {
    const rule = { id: 'r', title: 'T', source: 'logs', severity: 'high', kind: 'count', keyBy: ['service'] };
    let details: unknown;
    try {
      parseRule({ ...rule, threshold: 0, windowMS: 1 });
    } catch (err) {
      details = (err as { details: unknown }).details;
    }
    expect(details).toEqual({
      problems: expect.arrayContaining([
        { field: 'threshold', reason: 'expected integer to be greater or equal to 1 (got 0)' },
        { field: 'windowMs', reason: 'missing' },
        { field: 'windowMS', reason: 'not a field of count rules (did you mean "windowMs"?)' },
      ]),
    });
    expect(parseRule({ ...rule, threshold: 3, windowMs: 1000 })).toMatchObject({
      threshold: 3,
      enabled: true,
    });
  });
});
