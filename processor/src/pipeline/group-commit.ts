/**
 * Writes what batches produce off the batch's path, many batches per write: the processor's alerts (fold into
 * episodes, publish) and its repartition copies go through one each.
 *
 * Why: kafkajs hands a consumer's partitions to the handler one after another, so awaiting each batch's fold
 * held every partition behind the folds of the others (produce → evaluated ≈ 50 ms once episodes made a write
 * a transaction); and with the handler no longer waiting, batches get small and one publish per batch queues
 * behind the idempotent producer's single request in flight (seconds at 20,000 events/s). So a batch only
 * queues its items, and one writer takes everything queued so far in one write (group commit: the busier the
 * processor, the fewer writes per item).
 *
 * Order holds: items are written in the order they were queued, so each partition's reach the store and the
 * bus in offset order. A partition's offsets are committed only below its oldest batch whose items are not
 * written (`oldestPending`), as for the archive: a crash replays those events, and what consumes the writes
 * drops what it already holds (firings by id, copies by origin offset).
 */
export interface GroupCommitOptions<T, R = void> {
  /** Writes the items of one or more batches, in queue order; `at` is the oldest batch's partition. */
  write: (items: T[], at: Partition) => Promise<R>;
  /**
   * A second step of each write (the alerts' publish after their fold), run in write order. The next write
   * starts while it runs, so the two overlap; the items count as written once it is done. At most one waits.
   */
  finish?: (result: R, at: Partition) => Promise<void>;
  /** An item's weight for the bounds below (default 1). */
  weight?: (item: T) => number;
  /** A write that failed after the processor's retries: it cannot go on without losing what was queued. */
  onError: (err: unknown) => void;
  /** A batch's items are written. */
  onWritten?: (at: Partition) => void;
  /** Queued weight beyond which `enqueue` makes its caller wait (bounds memory while the target is slow). */
  maxPending?: number;
  /** Weight of one write at most (a single item heavier than that is written alone). */
  maxPerWrite?: number;
  /**
   * How long a write waits for more items unless maxPerWrite is already queued (Kafka's linger.ms): fewer,
   * larger writes for that much latency. Default 0: write at once.
   */
  lingerMs?: number;
}

export interface Partition {
  topic: string;
  partition: number;
}

interface Job<T> {
  at: Partition;
  item: T;
  weight: number;
}

const keyOf = (at: Partition) => `${at.topic}:${at.partition}`;

export function createGroupCommit<T, R = void>(options: GroupCommitOptions<T, R>) {
  const weightOf = options.weight ?? (() => 1);
  const maxPending = options.maxPending ?? 10_000;
  const maxPerWrite = options.maxPerWrite ?? 5_000;
  const lingerMs = options.lingerMs ?? 0;
  const queue: Job<T>[] = [];
  /** Per partition, the first offsets of its batches not written yet, oldest first. */
  const pending = new Map<string, number[]>();
  let pendingWeight = 0;
  let queued = 0;
  let written = 0;
  let failed = false;
  let draining = false;
  /** Callers waiting for room (backpressure) or for what was queued before them (settled). */
  let waiters: { ready: () => boolean; wake: () => void }[] = [];

  const wakeReady = (): void => {
    const still: typeof waiters = [];
    for (const waiter of waiters) {
      if (failed || waiter.ready()) waiter.wake();
      else still.push(waiter);
    }
    waiters = still;
  };
  const until = (ready: () => boolean): Promise<void> =>
    failed || ready() ? Promise.resolve() : new Promise((wake) => waiters.push({ ready, wake }));

  /** The jobs of the next write: the oldest, then more while they fit in one write. */
  function take(): Job<T>[] {
    const jobs = [queue.shift()!];
    let weight = jobs[0]!.weight;
    while (queue.length > 0 && weight + queue[0]!.weight <= maxPerWrite) {
      const job = queue.shift()!;
      weight += job.weight;
      jobs.push(job);
    }
    return jobs;
  }

  /** The jobs of one write are written: their partitions may commit past them. */
  function markWritten(jobs: Job<T>[]): void {
    for (const job of jobs) {
      pending.get(keyOf(job.at))!.shift();
      pendingWeight -= job.weight;
      written++;
      options.onWritten?.(job.at);
    }
    wakeReady();
  }

  /** Everything queued stays pending: nothing past it is committed; the failure is reported once. */
  function failWith(err: unknown): void {
    if (failed) return;
    failed = true;
    options.onError(err);
  }

  async function drain(): Promise<void> {
    draining = true;
    /** The finish step of the previous write, which the next write overlaps. */
    let finishing: Promise<void> = Promise.resolve();
    try {
      do {
        while (queue.length > 0 && !failed) {
          if (lingerMs > 0 && pendingWeight < maxPerWrite)
            await new Promise((resolve) => setTimeout(resolve, lingerMs));
          const jobs = take();
          const at = jobs[0]!.at;
          let result: R;
          try {
            result = await options.write(
              jobs.map((j) => j.item),
              at,
            );
          } catch (err) {
            failWith(err);
            return;
          }
          const finish = options.finish;
          if (!finish) {
            markWritten(jobs);
            continue;
          }
          const previous = finishing;
          finishing = previous.then(async () => {
            if (failed) return;
            try {
              await finish(result, at);
            } catch (err) {
              failWith(err);
              return;
            }
            markWritten(jobs);
          });
          await previous; // one finish runs beside the next write, never more
        }
        await finishing;
      } while (queue.length > 0 && !failed); // queued while the last finish ran
    } finally {
      draining = false;
      wakeReady();
    }
  }

  return {
    /**
     * Queues a batch's item behind everything queued before. Resolves at once, or once there is room again
     * when `maxPending` weight is already waiting (or the queue failed: the processor is stopping).
     */
    async enqueue(at: Partition, firstOffset: number, item: T): Promise<void> {
      const key = keyOf(at);
      let offsets = pending.get(key);
      if (!offsets) {
        offsets = [];
        pending.set(key, offsets);
      }
      offsets.push(firstOffset);
      const weight = weightOf(item);
      queue.push({ at, item, weight });
      pendingWeight += weight;
      queued++;
      // Started synchronously: drain() runs up to its first write before enqueue returns.
      if (!draining && !failed) void drain();
      if (pendingWeight > maxPending) await until(() => pendingWeight <= maxPending);
    },

    /** The first offset of the partition's oldest batch whose item is not written, or null. */
    oldestPending(topic: string, partition: number): number | null {
      return pending.get(keyOf({ topic, partition }))?.[0] ?? null;
    },

    /**
     * Resolves once everything queued so far is written (or the queue failed, which onError reported):
     * what depends on those writes, such as adding archive keys to the alerts, waits for it.
     */
    settled(): Promise<void> {
      const target = queued;
      return until(() => written >= target);
    },
  };
}

export type GroupCommit<T, R = void> = ReturnType<typeof createGroupCommit<T, R>>;
