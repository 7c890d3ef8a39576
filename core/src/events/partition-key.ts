import type { EventBySource } from './event-schemas.ts';
import type { Source } from './sources.ts';

/**
 * The bus message key of an event: the field its source's rules most often group by, so that one key's
 * events stay in order on one partition. Windows do not depend on it: the processor re-keys the events each
 * windowed rule needs by that rule's own key (processor/README.md, "Exact windows").
 */
export function partitionKey<S extends Source>(source: S, event: EventBySource[S]): string {
  switch (source) {
    case 'logs':
      return (event as EventBySource['logs']).service;
    case 'metrics':
      return (event as EventBySource['metrics']).host;
    case 'transactions':
      return (event as EventBySource['transactions']).userId;
    default:
      return (event as EventBySource['security']).ip;
  }
}
