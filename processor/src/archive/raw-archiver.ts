import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { rawBatchKey } from '@vigil/adapters';
import type { Archive, Source } from '@vigil/core';
import type { Logger } from 'pino';

const gzipAsync = promisify(gzip);
const NEWLINE = new Uint8Array([0x0a]);

/**
 * The event's bytes as one NDJSON line. A producer may send pretty-printed JSON; in valid JSON a line break
 * can only be whitespace between tokens (never inside a string), so it becomes a space: the same event, on
 * one line, and every reader of the archive (evidence, backtests) can count lines as events.
 */
export function asOneLine(raw: Uint8Array): Uint8Array {
  if (!raw.includes(0x0a) && !raw.includes(0x0d)) return raw;
  return raw.map((byte) => (byte === 0x0a || byte === 0x0d ? 0x20 : byte));
}
const HOUR_MS = 3_600_000;

export interface ArchiveLimits {
  /** Flush a partition's batch at this many events… */
  maxEvents: number;
  /** …or this many raw bytes… */
  maxBytes: number;
  /** …or when its oldest event has waited this long (bounds commit delay and data at risk). */
  maxAgeMs: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEvents: 20_000,
  maxBytes: 8 * 1024 * 1024,
  maxAgeMs: 2_000,
};

export interface ArchivedRange {
  topic: string;
  partition: number;
  firstOffset: number;
  lastOffset: number;
  key: string;
  events: number;
  bytes: number;
}

interface OpenBatch {
  source: Source;
  topic: string;
  partition: number;
  hour: number;
  firstEventTime: number;
  firstOffset: number;
  lastOffset: number;
  openedAt: number;
  lines: Uint8Array[];
  bytes: number;
}

interface PartitionState {
  open: OpenBatch | null;
  /** Batches sealed but not yet written, oldest first. */
  sealed: OpenBatch[];
  /** Flushes of one partition run one after another so ranges complete in offset order. */
  chain: Promise<void>;
}

export interface RawArchiverOptions {
  archive: Archive;
  logger: Logger;
  now: () => number;
  limits?: ArchiveLimits;
  /** Wraps each write; the processor passes its transient-failure retry. */
  write: (key: string, put: () => Promise<void>) => Promise<void>;
  onArchived: (range: ArchivedRange) => void;
  /** A write failed for good (not transient): the processor must stop without committing. */
  onFatal: (err: unknown) => void;
}

/**
 * Buffers raw events per topic-partition into gzipped NDJSON objects named by their offset range, flushed by
 * size, by age and at each UTC hour boundary of event time (so every object sits in one date/hour folder).
 */
export function createRawArchiver(options: RawArchiverOptions) {
  const limits = options.limits ?? DEFAULT_ARCHIVE_LIMITS;
  const partitions = new Map<string, PartitionState>();
  let pendingBytes = 0;

  const stateOf = (topic: string, partition: number): PartitionState => {
    const id = `${topic}:${partition}`;
    let state = partitions.get(id);
    if (!state) {
      state = { open: null, sealed: [], chain: Promise.resolve() };
      partitions.set(id, state);
    }
    return state;
  };

  function seal(state: PartitionState): void {
    const batch = state.open;
    if (!batch) return;
    state.open = null;
    state.sealed.push(batch);
    state.chain = state.chain.then(() => flush(state, batch)).catch(options.onFatal);
  }

  async function flush(state: PartitionState, batch: OpenBatch): Promise<void> {
    const key = rawBatchKey({
      source: batch.source,
      eventTime: batch.firstEventTime,
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: batch.firstOffset,
      lastOffset: batch.lastOffset,
    });
    const body = await gzipAsync(joinLines(batch.lines), { level: 5 });
    await options.write(key, () =>
      options.archive.put(key, body, { contentType: 'application/x-ndjson', contentEncoding: 'gzip' }),
    );
    state.sealed.shift();
    pendingBytes -= batch.bytes;
    options.onArchived({
      topic: batch.topic,
      partition: batch.partition,
      firstOffset: batch.firstOffset,
      lastOffset: batch.lastOffset,
      key,
      events: batch.lines.length,
      bytes: body.byteLength,
    });
  }

  return {
    /** Adds one valid event's original bytes; offsets of one partition must arrive in increasing order. */
    append(item: {
      source: Source;
      topic: string;
      partition: number;
      offset: number;
      eventTime: number;
      raw: Uint8Array;
    }) {
      const state = stateOf(item.topic, item.partition);
      const hour = Math.floor(item.eventTime / HOUR_MS);
      if (state.open && state.open.hour !== hour) seal(state);
      if (!state.open) {
        state.open = {
          source: item.source,
          topic: item.topic,
          partition: item.partition,
          hour,
          firstEventTime: item.eventTime,
          firstOffset: item.offset,
          lastOffset: item.offset,
          openedAt: options.now(),
          lines: [],
          bytes: 0,
        };
      }
      const batch = state.open;
      const line = asOneLine(item.raw);
      batch.lines.push(line);
      batch.lastOffset = item.offset;
      batch.bytes += line.byteLength + 1;
      pendingBytes += line.byteLength + 1;
      if (batch.lines.length >= limits.maxEvents || batch.bytes >= limits.maxBytes) seal(state);
    },

    /** Seals batches that reached their age limit; called by the processor's timer. */
    sealDue(): void {
      const cutoff = options.now() - limits.maxAgeMs;
      for (const state of partitions.values()) if (state.open && state.open.openedAt <= cutoff) seal(state);
    },

    /** The oldest offset of a partition not yet durable in the archive, or null when all are. */
    oldestPending(topic: string, partition: number): number | null {
      const state = partitions.get(`${topic}:${partition}`);
      if (!state) return null;
      return state.sealed[0]?.firstOffset ?? state.open?.firstOffset ?? null;
    },

    /** Raw bytes buffered or being written, for backpressure. */
    pendingBytes: (): number => pendingBytes,

    /** Seals everything and waits until it is written (shutdown, tests). */
    async flushAll(): Promise<void> {
      for (const state of partitions.values()) seal(state);
      await Promise.all([...partitions.values()].map((state) => state.chain));
    },
  };
}

export type RawArchiver = ReturnType<typeof createRawArchiver>;

function joinLines(lines: Uint8Array[]): Buffer {
  const parts: Uint8Array[] = [];
  for (const line of lines) parts.push(line, NEWLINE);
  return Buffer.concat(parts);
}
