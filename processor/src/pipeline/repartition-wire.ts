import { partitionForKey } from '@vigil/adapters';
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
 * Stage one's copies travel packed: one repartition message per partition per batch holds every copy bound
 * for that partition, each the event's original bytes with where it was read, its key space and its ingest
 * time. One Kafka record per copy cost more than the rest of the processor's work per event (kafkajs encodes
 * and decodes each record, headers and all); a pack costs that once for dozens or thousands of copies.
 * Internal to the processor (stage one writes it, stage two reads it), not a contract.
 *
 * Payload: per copy `[u32 meta bytes][meta][u32 event bytes][event]`, meta `<origin>\n<space>\n<ingestedAt>`
 * with origin `<topic>/<partition>/<offset>`. The header names the format, so a message stage one did not
 * write is told apart.
 */
export const COPY_PACK_HEADER = 'vigil-copies';
const PACK_FORMAT = '1';
/** A pack's payload at most: well under Kafka's default 1 MiB message limit. */
export const MAX_PACK_BYTES = 256 * 1024;

/** One event copied for one key space, before packing. */
export interface Copy {
  /** `<space>=<value>`: copies of one key always go to one partition, in order. */
  key: string;
  spaceId: string;
  origin: string;
  ingestedAt: number;
  value: Uint8Array;
}

/** Appends to `out` the copies stage one publishes for one valid event read from `message`. */
export function collectCopies(
  spaces: readonly KeySpace[],
  message: BusMessage,
  event: EventRecord,
  out: Copy[],
): void {
  const found = copiesOf(spaces, event);
  if (found.length === 0) return;
  const origin = `${message.topic}/${message.partition}/${message.offset}`;
  const ingested = Number(message.headers[INGESTED_AT_HEADER]);
  const ingestedAt = Number.isFinite(ingested) ? ingested : message.timestamp;
  for (const { space, key } of found)
    out.push({ key, spaceId: space.id, origin, ingestedAt, value: message.value });
}

/** One message per partition the copies go to (more when a pack would pass MAX_PACK_BYTES), order kept. */
export function packCopies(copies: readonly Copy[], partitions: number): OutgoingMessage[] {
  const byPartition = new Map<number, { meta: Buffer; value: Uint8Array }[]>();
  for (const copy of copies) {
    const partition = partitionForKey(copy.key, partitions);
    const list = byPartition.get(partition) ?? [];
    if (list.length === 0) byPartition.set(partition, list);
    list.push({
      meta: Buffer.from(`${copy.origin}\n${copy.spaceId}\n${copy.ingestedAt}`),
      value: copy.value,
    });
  }
  const messages: OutgoingMessage[] = [];
  for (const [partition, list] of byPartition) {
    let start = 0;
    while (start < list.length) {
      let end = start;
      let bytes = 0;
      do {
        bytes += 8 + list[end]!.meta.length + list[end]!.value.length;
        end++;
      } while (
        end < list.length &&
        bytes + 8 + list[end]!.meta.length + list[end]!.value.length <= MAX_PACK_BYTES
      );
      messages.push({
        key: null,
        partition,
        value: encodePack(list, start, end, bytes),
        headers: { [COPY_PACK_HEADER]: PACK_FORMAT },
      });
      start = end;
    }
  }
  return messages;
}

function encodePack(
  list: readonly { meta: Buffer; value: Uint8Array }[],
  start: number,
  end: number,
  bytes: number,
): Buffer {
  const out = Buffer.allocUnsafe(bytes);
  let at = 0;
  for (let i = start; i < end; i++) {
    const { meta, value } = list[i]!;
    at = out.writeUInt32BE(meta.length, at);
    at += meta.copy(out, at);
    at = out.writeUInt32BE(value.length, at);
    out.set(value, at);
    at += value.length;
  }
  return out;
}

export interface ReadCopy {
  space: KeySpace;
  source: Source;
  origin: { topic: string; partition: number; offset: string };
  /** `<topic>:<partition>` of the origin, the origin clock's key. */
  originId: string;
  ingestedAt: number;
  /** The event's original bytes. */
  value: Uint8Array;
}

/** What one repartition message holds: its copies, and those that cannot be evaluated, with a reason. */
export type Unpacked =
  | { ok: true; copies: ReadCopy[]; refused: { value: Uint8Array; reason: string }[] }
  | { ok: false; reason: string };

const META = /^([A-Za-z0-9._-]+)\/(\d+)\/(\d+)\n([^\n]*)\n(\d+)$/;

/**
 * Reads a pack against the key spaces in force. A message stage one did not write, or a truncated one, is
 * refused whole; a copy for a key space no enabled rule uses (a rule since removed) is refused alone.
 */
export function unpackCopies(message: BusMessage, spaces: ReadonlyMap<string, KeySpace>): Unpacked {
  if (message.headers[COPY_PACK_HEADER] !== PACK_FORMAT)
    return { ok: false, reason: `repartition message without the ${COPY_PACK_HEADER} header of stage one` };
  const bytes = Buffer.from(message.value.buffer, message.value.byteOffset, message.value.byteLength);
  const copies: ReadCopy[] = [];
  const refused: { value: Uint8Array; reason: string }[] = [];
  let at = 0;
  while (at < bytes.length) {
    const metaEnd = at + 4 + (bytes.length - at >= 4 ? bytes.readUInt32BE(at) : Number.POSITIVE_INFINITY);
    const valueLength = metaEnd + 4 <= bytes.length ? bytes.readUInt32BE(metaEnd) : Number.POSITIVE_INFINITY;
    const valueEnd = metaEnd + 4 + valueLength;
    if (valueEnd > bytes.length) return { ok: false, reason: 'repartition pack truncated' };
    const meta = META.exec(bytes.toString('utf8', at + 4, metaEnd));
    const value = bytes.subarray(metaEnd + 4, valueEnd);
    at = valueEnd;
    if (!meta) return { ok: false, reason: 'repartition pack with a copy of unreadable origin' };
    const [, topic, partition, offset, spaceId, ingestedAt] = meta as unknown as string[];
    const space = spaces.get(spaceId!);
    if (!space) {
      const known = isSource(spaceId!.split(':')[0]);
      refused.push({
        value,
        reason: known
          ? `repartition copy for key space "${spaceId}", which no enabled rule uses`
          : `repartition copy for key space "${spaceId}", which is no source's`,
      });
      continue;
    }
    copies.push({
      space,
      source: space.source,
      origin: { topic: topic!, partition: Number(partition), offset: offset! },
      originId: `${topic}:${partition}`,
      ingestedAt: Number(ingestedAt),
      value,
    });
  }
  return { ok: true, copies, refused };
}
