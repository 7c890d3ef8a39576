import { ValidationError } from '@vigil/core';

/** Longest `q` accepted: a search box, not a document. */
export const MAX_SEARCH_LENGTH = 200;
// More words than this only narrow a result further; the cap bounds the tsquery the database evaluates.
const MAX_TERMS = 8;
// Shorter prefixes ("u4:*") match thousands of distinct words and defeat the index, so they must match exactly.
const MIN_PREFIX_LENGTH = 3;

/**
 * The `to_tsquery('simple', …)` text for a user's search: every word must appear, words of three or more
 * letters as prefixes ("pay" finds "payments"). Words are runs of letters and digits, so no tsquery
 * operator from the input survives. Null when `q` holds no word (the search is then not applied).
 */
export function toPrefixTsquery(q: string): string | null {
  if (q.length > MAX_SEARCH_LENGTH) {
    throw new ValidationError(`q is longer than ${MAX_SEARCH_LENGTH} characters`, {
      details: { length: q.length },
    });
  }
  const words = [...new Set(q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].slice(0, MAX_TERMS);
  if (words.length === 0) return null;
  return words.map((w) => (w.length >= MIN_PREFIX_LENGTH ? `${w}:*` : w)).join(' & ');
}
