import type { RiskEntity } from '../api/explorer-readers.ts';
import { emptyView } from '../filters/alert-view.ts';
import { serializeView } from '../filters/url-filters.ts';
import { eventsHref } from './event-view.ts';

/**
 * The alerts page for an entity: a user by the userId filter, a service by the service filter, an ip or host
 * by the alert key its rules give it (`ip=10.0.0.5`): text search could not find an IP (it splits
 * "10.0.0.5" into the words 10, 0, 0, 5 while the index holds "10.0.0.5" whole).
 */
export function entityAlertsHref(entity: Pick<RiskEntity, 'kind' | 'value'>): string {
  const view = emptyView();
  if (entity.kind === 'user') view.userId = [entity.value];
  else if (entity.kind === 'service') view.service = [entity.value];
  else view.key = [`${entity.kind}=${entity.value}`];
  return `/alerts?${serializeView(view)}`;
}

/** The events page filtered by the entity's field (userId, ip, service or host). */
export function entityEventsHref(entity: Pick<RiskEntity, 'kind' | 'value'>): string {
  const field = entity.kind === 'user' ? 'userId' : entity.kind;
  return eventsHref({ [field]: [entity.value] });
}
