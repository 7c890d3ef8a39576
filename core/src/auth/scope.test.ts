import { describe, expect, it } from 'vitest';
import { intersectFilters } from './scope.ts';

describe('intersectFilters', () => {
  it('keeps what both allow, field by field', () => {
    expect(intersectFilters({ source: ['security'] }, {})).toEqual({ source: ['security'] });
    expect(
      intersectFilters({ source: ['security', 'logs'] }, { source: ['logs', 'metrics'], severity: ['high'] }),
    ).toEqual({
      source: ['logs'],
      severity: ['high'],
    });
    expect(intersectFilters(null, { ruleId: ['a'] })).toEqual({ ruleId: ['a'] });
    expect(intersectFilters(null, undefined)).toEqual({});
  });

  it('treats an empty field as "all", like matchesFilter', () => {
    expect(intersectFilters({ source: ['security'] }, { source: [] })).toEqual({ source: ['security'] });
  });

  it('answers null when nothing can pass both', () => {
    expect(intersectFilters({ source: ['security'] }, { source: ['logs'] })).toBeNull();
  });
});
