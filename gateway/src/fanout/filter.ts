import { type AlertFilter, FILTER_FIELDS, type FilterField } from '@vigil/core';

// Matching a filter is core's matchesFilter, shared with the dashboard; this file makes filters canonical.

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
