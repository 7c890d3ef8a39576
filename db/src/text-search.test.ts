import { ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { MAX_SEARCH_LENGTH, toPrefixTsquery } from './text-search.ts';

describe('toPrefixTsquery', () => {
  it('ANDs the words, prefix-matching words of three letters or more', () => {
    expect(toPrefixTsquery('Error spike')).toBe('error:* & spike:*');
    expect(toPrefixTsquery('db 7 cpu')).toBe('db & 7 & cpu:*');
  });

  it('keeps only letters and digits, so tsquery operators cannot be injected', () => {
    expect(toPrefixTsquery("payments-api & !(x | 'y'):*")).toBe('payments:* & api:* & x & y');
    expect(toPrefixTsquery('café Überweisung')).toBe('café:* & überweisung:*');
  });

  it('drops repeated words and caps the number of terms', () => {
    expect(toPrefixTsquery('spike SPIKE spike')).toBe('spike:*');
    expect(toPrefixTsquery('a b c d e f g h i j')?.split(' & ')).toHaveLength(8);
  });

  it('returns null when there is no word to search for', () => {
    expect(toPrefixTsquery('')).toBeNull();
    expect(toPrefixTsquery(' !!! -- ')).toBeNull();
  });

  it('rejects an overlong query with ValidationError', () => {
    expect(() => toPrefixTsquery('x'.repeat(MAX_SEARCH_LENGTH + 1))).toThrow(ValidationError);
  });
});
