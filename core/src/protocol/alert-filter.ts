import type { Alert } from '../alerts/alert.ts';

/** The alert fields a subscription filter (`AlertFilter`) can restrict, in a fixed order. */
export const FILTER_FIELDS = ['severity', 'source', 'service', 'ruleId'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];
/** What a filter looks at: an `Alert`, or the few fields the gateway keeps of one. */
export type FilterKeys = Pick<Alert, FilterField>;

/**
 * Whether an alert passes a subscription filter: each field with values must contain the alert's value.
 * An absent or empty field matches all ("nothing selected" in a UI means no restriction); an alert without
 * a service never passes a service filter. The gateway routes live alerts with it and the dashboard applies
 * it to its own list, so both agree on what a subscription shows.
 *
 * @example matchesFilter({ severity: ['high', 'critical'] }, alert)
 */
export function matchesFilter(
  filter: Readonly<Partial<Record<FilterField, readonly string[]>>>,
  keys: FilterKeys,
): boolean {
  for (const field of FILTER_FIELDS) {
    const values = filter[field];
    if (values === undefined || values.length === 0) continue;
    const value = keys[field];
    if (value === null || !values.includes(value)) return false;
  }
  return true;
}
