import type { Source } from '@vigil/core';
import type { StoredEvent } from '../api/explorer-readers.ts';
import { eventSummary, keyFields } from '../detail/evidence-rows.ts';

/** A row of either events table (the alert detail's evidence, the events page): same columns. */
export interface TableEvent {
  id: string;
  time: string | null;
  source: Source | null;
  fields: { name: string; value: string }[];
  message: string;
  position: string | null;
  /** Highlighted: arrived after the page loaded. */
  live?: boolean;
}

/** One row of the events page; its position is `partition @ offset` on the source's topic. */
export interface EventRow extends TableEvent {
  live: boolean;
}

export const eventRow = (e: StoredEvent, live = false): EventRow => ({
  id: e.id,
  time: e.ts,
  source: e.source,
  fields: keyFields(e.source, e.event),
  message: eventSummary(e.source, e.event),
  position: e.position ? `${e.position.partition} @ ${e.position.offset}` : null,
  live,
});
