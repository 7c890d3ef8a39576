import { ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { filterConditions, parseInstant, parseRange } from './alert-filters.ts';

const refusal = (run: () => unknown): ValidationError => {
  try {
    run();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
};

// The store's own guard: values PostgreSQL would refuse (a failed query) are input errors, caught first.
describe('alert filters', () => {
  describe('parseInstant', () => {
    it('accepts instants of the supported range', () => {
      expect(parseInstant('1970-01-01T00:00:00Z', 'from').getTime()).toBe(0);
      expect(parseInstant('9999-12-31T23:59:59.999Z', 'to').toISOString()).toBe('9999-12-31T23:59:59.999Z');
    });
    it.each([
      ['year 0000', '0000-01-01T00:00:00Z'],
      ['a negative year', '-000001-01-01T00:00:00Z'],
      ['before 1970', new Date(-1)],
      ['past 9999', '+010000-01-01T00:00:00Z'],
      ['not a date', 'soon'],
    ])('refuses %s, naming the parameter', (_label, value) => {
      expect(refusal(() => parseInstant(value, 'from')).details).toEqual({ from: String(value) });
    });
    it('checks both ends of a range', () => {
      expect(refusal(() => parseRange({ to: '0000-01-01T00:00:00Z' })).details).toHaveProperty('to');
    });
  });

  describe('filterConditions', () => {
    it.each(['service', 'ruleId', 'userId'] as const)('refuses U+0000 in %s', (field) => {
      const err = refusal(() => filterConditions({ [field]: ['ok', 'a\u0000b'] }));
      expect(err.message).toBe(`${field} must not contain U+0000 (NUL)`);
      expect(err.details).toEqual({ field, value: 'a\\u0000b' });
    });
    it('accepts the same lists without it', () => {
      expect(filterConditions({ service: ['a'], ruleId: ['b'], userId: ['c'] })).toHaveLength(3);
    });
  });
});
