import { describe, expect, it } from 'vitest';
import { type FilterKeys, matchesFilter } from './alert-filter.ts';

const keys: FilterKeys = {
  severity: 'high',
  source: 'logs',
  service: 'payments',
  ruleId: 'logs.error-spike',
};

describe('matchesFilter', () => {
  it('matches everything with an empty filter, and treats an empty field as absent', () => {
    expect(matchesFilter({}, keys)).toBe(true);
    expect(matchesFilter({ severity: [], service: [] }, keys)).toBe(true);
  });

  it('needs every present field to contain the alert value', () => {
    expect(matchesFilter({ severity: ['critical', 'high'], source: ['logs'] }, keys)).toBe(true);
    expect(matchesFilter({ severity: ['low', 'high'], service: ['payments'] }, keys)).toBe(true);
    expect(matchesFilter({ severity: ['critical'] }, keys)).toBe(false);
    expect(matchesFilter({ severity: ['high'], service: ['api'] }, keys)).toBe(false);
    expect(matchesFilter({ ruleId: ['logs.error-spike'] }, keys)).toBe(true);
    expect(matchesFilter({ ruleId: ['other'] }, keys)).toBe(false);
  });

  it('never matches a service filter against an alert without a service', () => {
    expect(matchesFilter({ service: ['payments'] }, { ...keys, service: null })).toBe(false);
    expect(matchesFilter({ severity: ['high'] }, { ...keys, service: null })).toBe(true);
  });
});
