import type { RiskEntity } from '../api/explorer-readers.ts';
import { emptyView } from '../filters/alert-view.ts';
import { serializeView } from '../filters/url-filters.ts';
import { eventsHref } from './event-view.ts';

/**
 * The alerts page for an entity: a user by the userId filter, a service by the service filter. The alerts
 * API has no key filter, so an ip or host is searched as text (alerts whose title or message names it);
 * the entity's own recent alerts are linked one by one beside it.
 */
export function entityAlertsHref(entity: Pick<RiskEntity, 'kind' | 'value'>): string {
  const view = emptyView();
  if (entity.kind === 'user') view.userId = [entity.value];
  else if (entity.kind === 'service') view.service = [entity.value];
  else view.q = entity.value;
  return `/alerts?${serializeView(view)}`;
}

/** The events page filtered by the entity's field (userId, ip, service or host). */
export function entityEventsHref(entity: Pick<RiskEntity, 'kind' | 'value'>): string {
  const field = entity.kind === 'user' ? 'userId' : entity.kind;
  return eventsHref({ [field]: [entity.value] });
}
