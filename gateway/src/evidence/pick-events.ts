import type { ParsedRawBatchKey } from '@vigil/adapters';
import { parseLine } from './archive-object.ts';
import type { EventRef, EvidenceEvent } from './evidence-types.ts';
import { covers } from './object-range.ts';

/** What the evidence asks of one object. */
export interface Wanted {
  refs: readonly EventRef[];
  /** Event ids of the evidence, each with its ref when the evidence pairs them (else null). */
  ids: ReadonlyMap<string, EventRef | null>;
}

/** An event found, with the index of its ref in the evidence (for ordering; refs.length when unknown). */
export interface Picked {
  rank: number;
  item: EvidenceEvent;
}

/**
 * The events of one decoded object the evidence names. The archiver writes only valid events, one line each,
 * in offset order, so an object without gaps (as many lines as offsets in its name) maps line i to offset
 * first + i exactly and refs are read by position, id or not. An object with gaps (invalid events were
 * dead-lettered, not archived) is searched by event id instead; a line that is not one JSON object (a producer
 * sent an event with raw newlines) or a line that is not the event the evidence pairs with that position also
 * makes line positions unreliable, so that object is searched by id too.
 */
export function pickEvents(
  key: string,
  object: ParsedRawBatchKey,
  lines: Buffer[],
  wanted: Wanted,
): Picked[] {
  const rankOf = new Map(
    wanted.refs.map((ref, i) => [`${ref.topic}\u0000${ref.partition}\u0000${ref.offset}`, i]),
  );
  const item = (event: Record<string, unknown>, offset: string | null): Picked => ({
    rank:
      offset === null
        ? wanted.refs.length
        : (rankOf.get(`${object.topic}\u0000${object.partition}\u0000${offset}`) ?? wanted.refs.length),
    item: {
      source: object.source,
      topic: object.topic,
      partition: object.partition,
      offset,
      archiveKey: key,
      event,
    },
  });
  const first = BigInt(object.firstOffset);
  if (BigInt(lines.length) === BigInt(object.lastOffset) - first + 1n) {
    const byPosition: Picked[] = [];
    const idAt = new Map([...wanted.ids].flatMap(([id, ref]) => (ref ? [[ref, id] as const] : [])));
    for (const ref of wanted.refs) {
      if (!covers(object, ref)) continue;
      const event = parseLine(lines[Number(BigInt(ref.offset) - first)]!);
      // Counts can match by chance (a multi-line event and a gap): a line that is no event, or not the event
      // the evidence names at that position, means positions cannot be trusted in this object.
      const expected = idAt.get(ref);
      if (event === null || (expected !== undefined && event.id !== expected)) {
        return byId(lines, wanted, object, item);
      }
      byPosition.push(item(event, ref.offset));
    }
    return byPosition;
  }
  return byId(lines, wanted, object, item);
}

function byId(
  lines: Buffer[],
  wanted: Wanted,
  object: ParsedRawBatchKey,
  item: (event: Record<string, unknown>, offset: string | null) => Picked,
): Picked[] {
  if (wanted.ids.size === 0) return [];
  const picked: Picked[] = [];
  const seen = new Set<string>();
  for (const line of lines) {
    const event = parseLine(line);
    const id = event?.id;
    if (event === null || typeof id !== 'string' || !wanted.ids.has(id) || seen.has(id)) continue;
    const ref = wanted.ids.get(id) ?? null;
    if (ref !== null && !covers(object, ref)) continue; // the evidence's event is elsewhere: a reused id
    seen.add(id);
    picked.push(item(event, ref?.offset ?? null));
  }
  return picked;
}
