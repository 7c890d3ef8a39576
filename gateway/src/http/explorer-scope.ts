import { intersectFilters, type Principal, type Source } from '@vigil/core';

/**
 * The part of a token scope that applies to events: `source` and `service` (severity and rule belong to
 * alerts). Null when the scope leaves nothing of what was asked. The explorer's reads and the live tail
 * both go through it, so a scoped token sees the same events either way.
 */
export function scopedEvents<Q extends { source?: Source[]; service?: string[] }>(
  principal: Principal | null,
  query: Q,
): Q | null {
  if (!principal?.scope) return query;
  const scope = { source: principal.scope.source, service: principal.scope.service };
  const filter = intersectFilters(scope, { source: query.source, service: query.service });
  return filter === null ? null : { ...query, source: filter.source, service: filter.service };
}
