import type { IndexedEvent, StoredEvent } from './event-store-port.ts';
import type { EventRow, NewEventRow } from './schema.ts';

const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const numberOf = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/**
 * A row as the write paths send it: every column of NewEventRow, the event as JSON text. Both paths hand
 * that text to the database to parse (COPY text, an array literal cast to jsonb[]), so it is never serialized
 * twice when the bus's own text is at hand.
 */
export type EventWriteRow = Omit<NewEventRow, 'event'> & { event: string };

/** Row id: bus position plus bus timestamp (see the events table). */
export const eventId = (e: IndexedEvent): string =>
  `${e.source}:${e.partition}:${e.offset}@${e.busTimestamp}`;

/** The filter columns copied out of an event; fields a source does not have stay null. */
export function toEventRow(e: IndexedEvent): EventWriteRow {
  const body = e.event;
  return {
    id: eventId(e),
    source: e.source,
    ts: new Date(body.ts),
    partition: e.partition,
    offset: BigInt(e.offset),
    service: textOf(body.service),
    host: textOf(body.host),
    userId: textOf(body.userId),
    ip: textOf(body.ip),
    level: textOf(body.level),
    action: textOf(body.action),
    message: textOf(body.message),
    cpu: numberOf(body.cpu),
    memory: numberOf(body.memory),
    latencyMs: numberOf(body.latencyMs),
    errorRate: numberOf(body.errorRate),
    event: e.json ?? JSON.stringify(body),
  };
}

export const storedEventColumns = (t: typeof import('./schema.ts').events) => ({
  id: t.id,
  source: t.source,
  ts: t.ts,
  partition: t.partition,
  offset: t.offset,
  event: t.event,
});

export const fromEventRow = (
  row: Pick<EventRow, 'id' | 'source' | 'ts' | 'partition' | 'offset' | 'event'>,
): StoredEvent => ({
  id: row.id,
  source: row.source,
  ts: row.ts.toISOString(),
  position: { partition: row.partition, offset: String(row.offset) },
  event: row.event,
});
