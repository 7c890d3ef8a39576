import type { AlertFilter } from '@vigil/core';
import type { MatchKeys } from '../feed/alert-ring.ts';

export const FILTER_FIELDS = ['severity', 'source', 'service', 'ruleId'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** A filter with each present field sorted and deduplicated; an absent (or empty) field matches all. */
export type CanonicalFilter = Readonly<Partial<Record<FilterField, readonly string[]>>>;

/** Sorted, deduplicated values in a fixed field order, so equal filters get one key and one group. */
export function canonicalFilter(filter: AlertFilter | undefined): CanonicalFilter {
  const canonical: Partial<Record<FilterField, string[]>> = {};
  for (const field of FILTER_FIELDS) {
    const values = filter?.[field] as readonly string[] | undefined;
    // [] is treated as absent: "nothing selected" in a UI means no restriction, not "match nothing".
    if (values && values.length > 0) canonical[field] = [...new Set(values)].sort();
  }
  return canonical;
}

/** The group key of a canonical filter (stable JSON: fields in FILTER_FIELDS order, values sorted). */
export const filterKey = (filter: CanonicalFilter): string => JSON.stringify(filter);

/** Whether an alert passes a canonical filter: every present field must contain the alert's value. */
export function matchesFilter(filter: CanonicalFilter, keys: MatchKeys): boolean {
  for (const field of FILTER_FIELDS) {
    const values = filter[field];
    if (values === undefined) continue;
    const value = keys[field];
    if (value === null || !values.includes(value)) return false;
  }
  return true;
}
