import type { EventBySource } from './event-schemas.ts';
import type { Source } from './sources.ts';

/**
 * The bus message key of an event: the field its source's windowed rules group by, so that all the events
 * one window needs land in one partition, hence on one processor, in order. Every producer (simulator,
 * HTTP ingest, other tools) must key the same way; simulator/README.md explains the trade-offs
 * (security keys by ip, so a per-user count across many ips is exact only on a single processor).
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
