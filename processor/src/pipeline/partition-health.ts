/**
 * A partition is stalled when one batch has been in the processor's hands for longer than this: retries back
 * off to at most 10 s, so a minute is several failed attempts in a row (an outage, not a blip), while a
 * healthy batch takes milliseconds and even one waiting for an 8 MiB archive flush takes seconds.
 */
export const DEFAULT_STALL_AFTER_MS = 60_000;

export interface PartitionHealth {
  topic: string;
  partition: number;
  /** busy: a batch is being handled (or failed and waits to come again); idle: everything handled. */
  state: 'idle' | 'busy';
  /** Busy for longer than the threshold. */
  stalled: boolean;
  /** How long the partition has gone without finishing a batch (0 when idle). */
  busyForMs: number;
  /** First offset of the batch in flight. */
  offset: string | null;
  /** Last offset handled in this process, or null before the first batch finished. */
  handledThrough: string | null;
  /** What the batch is waiting on: the operation being retried, or the archive's backpressure. */
  waitingOn: string | null;
  /** The last transient failure or error of the batch in flight. */
  lastError: string | null;
}

interface Entry {
  topic: string;
  partition: number;
  busySince: number | null;
  offset: string | null;
  handledThrough: string | null;
  waitingOn: string | null;
  lastError: string | null;
}

const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Per-partition progress, for /health and the stalled gauge. A batch that fails keeps its partition busy
 * from when it started: it comes again, and the partition has made no progress since.
 */
export function createPartitionHealth(options: { now: () => number; stallAfterMs?: number }) {
  const stallAfterMs = options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS;
  const entries = new Map<string, Entry>();

  const entryOf = (topic: string, partition: number): Entry => {
    const id = `${topic}:${partition}`;
    let entry = entries.get(id);
    if (!entry) {
      entry = {
        topic,
        partition,
        busySince: null,
        offset: null,
        handledThrough: null,
        waitingOn: null,
        lastError: null,
      };
      entries.set(id, entry);
    }
    return entry;
  };

  return {
    stallAfterMs,

    /** A batch starting at `offset` is being handled. */
    begin(topic: string, partition: number, offset: string): void {
      const entry = entryOf(topic, partition);
      entry.busySince ??= options.now();
      entry.offset = offset;
      entry.waitingOn = null;
    },

    /** The batch in flight waits on `what` (a retried operation with its failure, or backpressure). */
    waiting(topic: string, partition: number, what: string, err?: unknown): void {
      const entry = entryOf(topic, partition);
      entry.waitingOn = what;
      if (err !== undefined) entry.lastError = describe(err);
    },

    /** The batch in flight is handled through `offset`. */
    done(topic: string, partition: number, offset: string): void {
      const entry = entryOf(topic, partition);
      entry.busySince = null;
      entry.offset = null;
      entry.handledThrough = offset;
      entry.waitingOn = null;
      entry.lastError = null;
    },

    /** The batch in flight failed; the partition stays busy since the batch began. */
    failed(topic: string, partition: number, err: unknown): void {
      const entry = entryOf(topic, partition);
      entry.waitingOn = null;
      entry.lastError = describe(err);
    },

    partitions(): PartitionHealth[] {
      const now = options.now();
      return [...entries.values()].map((entry) => {
        const busyForMs = entry.busySince === null ? 0 : Math.max(0, now - entry.busySince);
        return {
          topic: entry.topic,
          partition: entry.partition,
          state: entry.busySince === null ? 'idle' : 'busy',
          stalled: entry.busySince !== null && busyForMs > stallAfterMs,
          busyForMs,
          offset: entry.offset,
          handledThrough: entry.handledThrough,
          waitingOn: entry.waitingOn,
          lastError: entry.lastError,
        };
      });
    },
  };
}

export type PartitionHealthTracker = ReturnType<typeof createPartitionHealth>;

/** One line per stalled partition, for a probe's error and the log. */
export function describeStall(p: PartitionHealth): string {
  const waiting = p.waitingOn ? `, waiting on ${p.waitingOn}` : '';
  const error = p.lastError ? ` (last error: ${p.lastError})` : '';
  return `partition ${p.topic}/${p.partition} stalled: no batch finished for ${Math.round(p.busyForMs / 1000)} s at offset ${p.offset ?? '?'}${waiting}${error}`;
}

/** What /health reports: `failed` after a fatal error, `stalled` while any partition is, else `ok`. */
export interface ProcessorHealth {
  status: 'ok' | 'stalled' | 'failed';
  stallAfterMs: number;
  partitions: PartitionHealth[];
  /** Set when failed: the fatal error. */
  error?: string;
}

export function processorHealth(
  partitions: PartitionHealth[],
  stallAfterMs: number,
  failure: unknown,
): ProcessorHealth {
  if (failure) {
    const reason = failure instanceof Error ? failure.message : String(failure);
    const error = `processor stopped after a fatal error: ${reason}`;
    return { status: 'failed', stallAfterMs, partitions, error };
  }
  const status = partitions.some((p) => p.stalled) ? 'stalled' : 'ok';
  return { status, stallAfterMs, partitions };
}

/** Throws unless ok: the fatal error, or one line per stalled partition. */
export function assertHealthy(state: ProcessorHealth): void {
  if (state.status === 'ok') return;
  throw new Error(
    state.error ??
      state.partitions
        .filter((p) => p.stalled)
        .map(describeStall)
        .join('; '),
  );
}
