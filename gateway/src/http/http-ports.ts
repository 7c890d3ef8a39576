import type { Bus, EventBySource, Source } from '@vigil/core';
import type { AlertStore } from '@vigil/db';

// What the HTTP routes need from their collaborators; main passes the real ones, unit tests the real store on
// an in-memory PGlite and a recording bus.

/** The part of @vigil/db's AlertStore the REST routes use. */
export type HttpAlertStore = Pick<
  AlertStore,
  'getAlert' | 'queryAlerts' | 'summary' | 'timeline' | 'services' | 'transition' | 'comment' | 'activity'
>;

/** The part of the Bus port ingest uses. */
export type EventPublisher = Pick<Bus, 'publish'>;

/** The bus message key of an ingested event; null spreads events round-robin over partitions. */
export type EventKeyFn = (source: Source, event: EventBySource[Source]) => string | null;

/** A named health check: resolves when the component works, rejects (or times out) when it does not. */
export type HealthProbe = () => Promise<unknown>;
