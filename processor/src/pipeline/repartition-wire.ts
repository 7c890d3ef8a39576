import {
  type BusMessage,
  INGESTED_AT_HEADER,
  isSource,
  type OutgoingMessage,
  type Source,
} from '@vigil/core';
import type { EventRecord } from '../rules/condition.ts';
import { copiesOf, type KeySpace } from '../rules/repartition-plan.ts';

/**
 * A copy on the repartition topic is the event's original bytes, keyed by `<space>=<value>`, with these
 * headers. It is internal to the processor (stage one writes it, stage two reads it), not a contract.
 */
export const REPARTITION_HEADERS = {
  /** Where the event was read: `<topic>/<partition>/<offset>`, its bus position for evidence and dedupe. */
  origin: 'vigil-origin',
  /** The key space (`security:userId`) whose rules evaluate the copy. */
  space: 'vigil-key-space',
} as const;

/** The copies stage one publishes for one valid event read from `message`. */
export function copyMessages(
  spaces: readonly KeySpace[],
  message: BusMessage,
  event: EventRecord,
): OutgoingMessage[] {
  const found = copiesOf(spaces, event);
  if (found.length === 0) return [];
  const headers = {
    [REPARTITION_HEADERS.origin]: `${message.topic}/${message.partition}/${message.offset}`,
    [INGESTED_AT_HEADER]: message.headers[INGESTED_AT_HEADER] ?? String(message.timestamp),
  };
  return found.map(({ space, key }) => ({
    key,
    value: message.value,
    headers: { ...headers, [REPARTITION_HEADERS.space]: space.id },
    timestamp: message.timestamp,
  }));
}

export interface ReadCopy {
  space: KeySpace;
  source: Source;
  origin: { topic: string; partition: number; offset: string };
  /** `<topic>:<partition>` of the origin, the origin clock's key. */
  originId: string;
  ingestedAt: number;
}

const ORIGIN = /^([A-Za-z0-9._-]+)\/(\d+)\/(\d+)$/;

/**
 * Reads a copy's headers against the spaces in force; a reason when they do not make sense (a copy not
 * written by stage one, or for a rule since removed), for the dead-letter record.
 */
export function readCopy(
  message: BusMessage,
  spaces: ReadonlyMap<string, KeySpace>,
): { ok: true; copy: ReadCopy } | { ok: false; reason: string } {
  const origin = ORIGIN.exec(message.headers[REPARTITION_HEADERS.origin] ?? '');
  if (!origin)
    return { ok: false, reason: `repartition copy without a valid ${REPARTITION_HEADERS.origin} header` };
  const spaceId = message.headers[REPARTITION_HEADERS.space] ?? '';
  const space = spaces.get(spaceId);
  if (!space) {
    const source = spaceId.split(':')[0];
    return {
      ok: false,
      reason: isSource(source)
        ? `repartition copy for key space "${spaceId}", which no enabled rule uses`
        : `repartition copy without a valid ${REPARTITION_HEADERS.space} header`,
    };
  }
  const [, topic, partition, offset] = origin as unknown as [string, string, string, string];
  const ingested = Number(message.headers[INGESTED_AT_HEADER]);
  return {
    ok: true,
    copy: {
      space,
      source: space.source,
      origin: { topic, partition: Number(partition), offset },
      originId: `${topic}:${partition}`,
      ingestedAt: Number.isFinite(ingested) ? ingested : message.timestamp,
    },
  };
}
