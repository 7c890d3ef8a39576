import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { type ParsedRawBatchKey, parseRawBatchKey, rawBatchPrefix } from '@vigil/adapters';
import { type Archive, decodeEvent, type EventBySource, type Source } from '@vigil/core';
import type { EventRef } from '../rules/index.ts';

const gunzipAsync = promisify(gunzip);
const HOUR_MS = 3_600_000;
const NEWLINE = 0x0a;

/** One archived event as the engine takes it. */
export interface ReplayedEvent {
  event: EventBySource[Source];
  eventTime: number;
  ref: EventRef;
}

export interface ReplayCounters {
  objects: number;
  objectsTotal: number;
  missingObjects: number;
  invalidLines: number;
}

/** An archive object's key with what its name says (source, hour, topic, partition, offsets). */
export type ArchivedObject = ParsedRawBatchKey & { key: string };

interface Loaded {
  object: ArchivedObject;
  lines: Buffer[];
}

/**
 * Lists the archive objects of one source whose events may lie in [from, to): the archiver seals a batch at
 * every UTC hour boundary of event time, so an object holds events of the one hour its folder names. Keys
 * come back grouped by topic-partition, each group in offset order.
 */
export async function listObjects(
  archive: Pick<Archive, 'list'>,
  source: Source,
  from: number,
  to: number,
): Promise<ArchivedObject[][]> {
  const byPartition = new Map<string, ArchivedObject[]>();
  for (let hour = Math.floor(from / HOUR_MS); hour * HOUR_MS < to; hour++) {
    for (const key of await archive.list(rawBatchPrefix(source, hour * HOUR_MS))) {
      const parsed = parseRawBatchKey(key);
      if (!parsed || parsed.source !== source) continue;
      const id = `${parsed.topic}\u0000${parsed.partition}`;
      const object = { ...parsed, key };
      const list = byPartition.get(id);
      if (list) list.push(object);
      else byPartition.set(id, [object]);
    }
  }
  const groups = [...byPartition.values()];
  for (const group of groups) group.sort((a, b) => (BigInt(a.firstOffset) < BigInt(b.firstOffset) ? -1 : 1));
  return groups;
}

/** The lines of one object; null when it is gone (listed, then deleted) or cannot be inflated. */
async function load(
  archive: Pick<Archive, 'get'>,
  object: ArchivedObject,
  maxBytes: number,
): Promise<Loaded | null> {
  const body = await archive.get(object.key);
  if (body === null) return null;
  let text: Buffer;
  try {
    text = await gunzipAsync(body, { maxOutputLength: maxBytes });
  } catch {
    // Corrupt or larger than the bound: counted as missing by the caller, the replay goes on without it.
    return null;
  }
  const lines: Buffer[] = [];
  let start = 0;
  for (let i = text.indexOf(NEWLINE); i !== -1; i = text.indexOf(NEWLINE, start)) {
    lines.push(text.subarray(start, i));
    start = i + 1;
  }
  if (start < text.length) lines.push(text.subarray(start));
  return { object, lines };
}

/**
 * One topic-partition's archived events in offset order, one object in memory at a time and the next one
 * fetched while this one is replayed. Line i of an object without gaps is offset first + i (the archiver
 * writes valid events only, in order); in an object with gaps (dead-lettered events) offsets are approximate,
 * which matters only for per-event rules over events without an `id`.
 */
export class PartitionCursor {
  head: ReplayedEvent | null = null;
  private index = 0;
  private lines: Buffer[] = [];
  private line = 0;
  private first = 0n;
  private current: ArchivedObject | null = null;
  private next: Promise<Loaded | null> | null = null;

  constructor(
    private readonly archive: Pick<Archive, 'get'>,
    private readonly objects: readonly ArchivedObject[],
    private readonly source: Source,
    private readonly counters: ReplayCounters,
    private readonly maxObjectBytes: number,
  ) {}

  /** Moves `head` to the next valid event (null at the end). */
  async advance(): Promise<void> {
    for (;;) {
      while (this.line < this.lines.length) {
        const index = this.line++;
        const decoded = decodeEvent(this.source, this.lines[index]!);
        if (!decoded.ok) {
          this.counters.invalidLines += 1;
          continue;
        }
        const key = this.current!;
        this.head = {
          event: decoded.value,
          eventTime: Date.parse(decoded.value.ts),
          ref: { topic: key.topic, partition: key.partition, offset: String(this.first + BigInt(index)) },
        };
        return;
      }
      if (!(await this.nextObject())) {
        this.head = null;
        return;
      }
    }
  }

  private fetch(i: number): Promise<Loaded | null> | null {
    const key = this.objects[i];
    return key ? load(this.archive, key, this.maxObjectBytes) : null;
  }

  private async nextObject(): Promise<boolean> {
    for (;;) {
      const pending = this.next ?? this.fetch(this.index);
      if (!pending) return false;
      this.index += 1;
      this.next = this.fetch(this.index); // prefetch: S3 latency overlaps the replay of this object
      const loaded = await pending;
      this.counters.objects += 1;
      if (!loaded) {
        this.counters.missingObjects += 1;
        continue;
      }
      this.current = loaded.object;
      this.first = BigInt(loaded.object.firstOffset);
      this.lines = loaded.lines;
      this.line = 0;
      return true;
    }
  }
}
