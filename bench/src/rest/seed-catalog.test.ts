import { describe, expect, it } from 'vitest';
import { seedRulesJson } from '../seed-alerts.ts';
import { SEED_RULES, weightedIndexes } from './seed-catalog.ts';

describe('the seed catalog', () => {
  it('repeats each 1-based position as often as its weight', () => {
    expect(weightedIndexes([2, 1, 3])).toEqual([1, 1, 2, 3, 3, 3]);
  });

  it('has one template slot for the value and one for the key in every message', () => {
    for (const rule of SEED_RULES) {
      expect(rule.message.split('{value}')).toHaveLength(2);
      expect(rule.message.split('{key}')).toHaveLength(2);
    }
  });

  it('splits each template around its slots so SQL can rebuild it by concatenation', () => {
    for (const [index, rule] of seedRulesJson().entries()) {
      const value = '42';
      const key = 'payments';
      const rebuilt = rule.valueFirst
        ? `${rule.m1}${value}${rule.m2}${key}${rule.m3}`
        : `${rule.m1}${key}${rule.m2}${value}${rule.m3}`;
      expect(rebuilt).toBe(SEED_RULES[index]!.message.replace('{value}', value).replace('{key}', key));
    }
  });
});
