import type { OutgoingMessage } from '@vigil/core';
import type { RaisedAlert, Retry } from './alert-output.ts';
import type { Refused } from './isolate-refusals.ts';

/**
 * Writes alerts (fold into episodes, publish) off the batch's path. Awaiting each batch's fold held every
 * partition's next batch behind it (kafkajs hands a consumer's partitions to the handler one after another),
 * so a fetch holding firings on five partitions made the last one wait five folds: produce → evaluated grew
 * from ≈ 5 to ≈ 50 ms once episodes made a write a transaction. Now batches only queue their alerts; one
 * writer takes everything queued so far in one fold (group commit: the more partitions fire at once, the
 * fewer transactions), then dead-letters what the store refused with the batches' invalid events.
 *
 * Order holds: batches are written in the order they were queued, so a partition's alerts reach the store and
 * the bus in offset order. A partition's offsets are committed only below its oldest batch whose alerts are
 * not written (`oldestPending`), as for the archive and the repartition copies: a crash replays those events
 * and the store drops firings it already holds.
 */
export interface AlertQueueOptions {
  /** Folds and publishes, returning the alerts the store refused for their data (alert-output.ts). */
  write: (raised: RaisedAlert[], retry: Retry) => Promise<Refused<RaisedAlert>[]>;
  /** Dead-letters the refused alerts' events together with the batches' invalid events. */
  deadLetter: (refused: Refused<RaisedAlert>[], dlq: OutgoingMessage[], retry: Retry) => Promise<void>;
  /** The processor's retry, bound to a partition (its health names what the write waits on). */
  retryFor: (at: Partition) => Retry;
  /** A write that failed after retries: the processor cannot go on without losing alerts. */
  onError: (err: unknown) => void;
  /** A batch's alerts are written (its partition's health waits for it: a stuck store stalls the partition). */
  onWritten?: (at: Partition) => void;
  /** Queued alerts beyond which `enqueue` makes its caller wait (bounds memory while the store is slow). */
  maxPendingAlerts?: number;
  /** Alerts per write at most: one fold's transaction stays bounded. */
  maxAlertsPerWrite?: number;
}

export interface Partition {
  topic: string;
  partition: number;
}

interface Job {
  at: Partition;
  firstOffset: number;
  raised: RaisedAlert[];
  dlq: OutgoingMessage[];
}

const DEFAULT_MAX_PENDING_ALERTS = 20_000;
const DEFAULT_MAX_ALERTS_PER_WRITE = 5_000;

const keyOf = (at: Partition) => `${at.topic}:${at.partition}`;

export function createAlertQueue(options: AlertQueueOptions) {
  const maxPending = options.maxPendingAlerts ?? DEFAULT_MAX_PENDING_ALERTS;
  const maxPerWrite = options.maxAlertsPerWrite ?? DEFAULT_MAX_ALERTS_PER_WRITE;
  const queue: Job[] = [];
  /** Per partition, the first offsets of its batches not written yet, oldest first. */
  const pending = new Map<string, number[]>();
  let pendingAlerts = 0;
  let queued = 0;
  let written = 0;
  let failed = false;
  let draining: Promise<void> | null = null;
  /** Callers waiting for `written` to reach a count (barriers) or for room (backpressure). */
  let waiters: { ready: () => boolean; wake: () => void }[] = [];

  const wakeReady = (): void => {
    const still: typeof waiters = [];
    for (const waiter of waiters) (failed || waiter.ready() ? waiter.wake : () => still.push(waiter))();
    waiters = still;
  };
  const until = (ready: () => boolean): Promise<void> =>
    failed || ready() ? Promise.resolve() : new Promise((wake) => waiters.push({ ready, wake }));

  /** The jobs of the next write: at least one, then more while they fit in one write. */
  function take(): Job[] {
    const jobs = [queue.shift()!];
    let alerts = jobs[0]!.raised.length;
    while (queue.length > 0 && alerts + queue[0]!.raised.length <= maxPerWrite) {
      const job = queue.shift()!;
      alerts += job.raised.length;
      jobs.push(job);
    }
    return jobs;
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && !failed) {
      const jobs = take();
      const retry = options.retryFor(jobs[0]!.at);
      try {
        const refused = await options.write(
          jobs.flatMap((j) => j.raised),
          retry,
        );
        await options.deadLetter(
          refused,
          jobs.flatMap((j) => j.dlq),
          retry,
        );
      } catch (err) {
        // Everything queued stays pending: nothing past it is committed, and the failure is reported once.
        failed = true;
        wakeReady();
        options.onError(err);
        return;
      }
      for (const job of jobs) {
        pending.get(keyOf(job.at))!.shift();
        pendingAlerts -= job.raised.length;
        written++;
        options.onWritten?.(job.at);
      }
      wakeReady();
    }
  }

  function kick(): void {
    if (draining || failed || queue.length === 0) return;
    draining = drain().finally(() => {
      draining = null;
      kick(); // a batch queued between the loop's last check and this callback
    });
  }

  return {
    /**
     * Queues a batch's alerts (and its invalid events, dead-lettered after them) behind every batch queued
     * before. Resolves at once, or once there is room again when `maxPendingAlerts` are already waiting.
     */
    async enqueue(
      at: Partition,
      firstOffset: number,
      raised: RaisedAlert[],
      dlq: OutgoingMessage[],
    ): Promise<void> {
      const key = keyOf(at);
      let offsets = pending.get(key);
      if (!offsets) {
        offsets = [];
        pending.set(key, offsets);
      }
      offsets.push(firstOffset);
      queue.push({ at, firstOffset, raised, dlq });
      pendingAlerts += raised.length;
      queued++;
      kick();
      if (pendingAlerts > maxPending) await until(() => pendingAlerts <= maxPending);
    },

    /** The first offset of the partition's oldest batch whose alerts are not written, or null. */
    oldestPending(topic: string, partition: number): number | null {
      return pending.get(keyOf({ topic, partition }))?.[0] ?? null;
    },

    /**
     * Resolves once every batch queued so far is written (or the queue failed, which onError reported):
     * what depends on those alerts being stored, such as adding archive keys to them, waits for it.
     */
    settled(): Promise<void> {
      const target = queued;
      return until(() => written >= target);
    },
  };
}

export type AlertQueue = ReturnType<typeof createAlertQueue>;
