import { FILTER_FIELDS } from '../protocol/alert-filter.ts';
import type { AlertFilter } from '../protocol/ws-protocol.ts';

/**
 * The filter that passes exactly the alerts both filters pass (a token's scope AND what a client asked
 * for), or null when no alert can pass both (the scope allows `security`, the client asked for `logs`).
 * Absent or empty fields match all, as in matchesFilter.
 *
 * @example intersectFilters({ source: ['security'] }, {}) // → { source: ['security'] }
 */
export function intersectFilters(
  scope: AlertFilter | null,
  requested: AlertFilter | undefined,
): AlertFilter | null {
  const out: Record<string, string[]> = {};
  for (const field of FILTER_FIELDS) {
    const a = scope?.[field] as readonly string[] | undefined;
    const b = requested?.[field] as readonly string[] | undefined;
    const hasA = a !== undefined && a.length > 0;
    const hasB = b !== undefined && b.length > 0;
    if (!hasA && !hasB) continue;
    const values = hasA && hasB ? b.filter((value) => a.includes(value)) : [...((hasA ? a : b) as string[])];
    if (values.length === 0) return null;
    out[field] = values;
  }
  return out as AlertFilter;
}
