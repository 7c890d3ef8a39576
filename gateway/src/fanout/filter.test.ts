import { describe, expect, it } from 'vitest';
import { canonicalFilter, filterKey } from './filter.ts';

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
