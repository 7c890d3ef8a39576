import { describe, expect, it } from 'vitest';
import type { MatchKeys } from '../feed/alert-ring.ts';
import { canonicalFilter, filterKey, matchesFilter } from './filter.ts';

const keys: MatchKeys = { severity: 'high', source: 'logs', service: 'payments', ruleId: 'logs.error-spike' };

describe('canonical filters', () => {
  it('sort and dedupe values and drop absent or empty fields', () => {
    expect(canonicalFilter({ service: ['b', 'a', 'b'], severity: [], ruleId: undefined })).toEqual({
      service: ['a', 'b'],
    });
    expect(canonicalFilter(undefined)).toEqual({});
  });

  it('give equal filters one key whatever the order of fields and values', () => {
    const a = canonicalFilter({ severity: ['high', 'low'], source: ['logs'] });
    const b = canonicalFilter({ source: ['logs', 'logs'], severity: ['low', 'high'] });
    expect(filterKey(a)).toBe(filterKey(b));
    expect(filterKey(a)).not.toBe(filterKey(canonicalFilter({ severity: ['high'] })));
  });
});

describe('matchesFilter', () => {
  it('matches everything with an empty filter', () => {
    expect(matchesFilter({}, keys)).toBe(true);
  });

  it('needs every present field to contain the alert value', () => {
    expect(matchesFilter({ severity: ['critical', 'high'], source: ['logs'] }, keys)).toBe(true);
    expect(matchesFilter({ severity: ['critical'] }, keys)).toBe(false);
    expect(matchesFilter({ severity: ['high'], service: ['api'] }, keys)).toBe(false);
    expect(matchesFilter({ ruleId: ['logs.error-spike'] }, keys)).toBe(true);
  });

  it('never matches a service filter against an alert without a service', () => {
    expect(matchesFilter({ service: ['payments'] }, { ...keys, service: null })).toBe(false);
    expect(matchesFilter({ severity: ['high'] }, { ...keys, service: null })).toBe(true);
  });
});
