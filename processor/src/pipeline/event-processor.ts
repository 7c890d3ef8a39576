import { performance } from 'node:perf_hooks';
import { retryTransient } from '@vigil/adapters';
import {
  type Alert,
  type Archive,
  type Bus,
  type BusConsumer,
  type BusMessage,
  decodeEvent,
  type EventBySource,
  INGESTED_AT_HEADER,
  type MessageBatch,
  type OffsetCommit,
  type OutgoingMessage,
  type RetryPolicy,
  type Source,
  sourceOfTopic,
} from '@vigil/core';
import type { Logger } from 'pino';
import { archivedThrough } from '../archive/archive-coverage.ts';
import { createEvidenceLinker } from '../archive/evidence-linker.ts';
import { type ArchivedRange, type ArchiveLimits, createRawArchiver } from '../archive/raw-archiver.ts';
import type { ProcessorMetrics } from '../metrics/processor-metrics.ts';
import { type AlertWriter, createAlertOutput, type RaisedAlert, type Retry } from './alert-output.ts';
import { createCommitTracker } from './commit-tracker.ts';
import { deadLetter, deadLetterRefused } from './dead-letter.ts';
import { createFirstDeliveries } from './first-deliveries.ts';
import { createIdleAlerts, type EvaluatedPartition } from './idle-alerts.ts';
import {
  assertHealthy,
  createPartitionHealth,
  type ProcessorHealth,
  processorHealth,
} from './partition-health.ts';

export type { AlertWriter } from './alert-output.ts';
export type { PartitionHealth, ProcessorHealth } from './partition-health.ts';

/** What the processor needs from the rule engine (processor/src/rules/). */
export interface RuleEvaluator {
  evaluate(input: {
    source: Source;
    event: EventBySource[Source];
    ref: { topic: string; partition: number; offset: string };
    ingestedAt?: number;
    eventTime?: number;
  }): { alerts: readonly Alert[] };
  /** Wall-clock idleness for absence rules; called only once the partition is idle (idle-alerts.ts). */
  tick?(): readonly Alert[];
}

export interface EventProcessorOptions {
  bus: Bus;
  archive: Archive;
  store: AlertWriter;
  /**
   * Makes the rule engine of one partition. Each partition gets its own engine, so its watermark follows
   * its own event time: when one partition runs ahead (catching up a backlog), another partition's events
   * are not taken for late. Keys are colocated by partition (see simulator/README.md), so window state per
   * partition is exact, and it matches what one processor among many holds.
   */
  createEngine: () => RuleEvaluator;
  logger: Logger;
  metrics: ProcessorMetrics;
  now: () => number;
  groupId: string;
  /** The event topics to consume, the alerts and DLQ topics to publish to (`topicNames(prefix)`). */
  topics: string[];
  alertsTopic: string;
  dlqTopic: string;
  archiveLimits?: ArchiveLimits;
  /** Event time replayed after a takeover to rebuild windows (see commit-tracker.ts). */
  replayMs: number;
  retry?: RetryPolicy;
  commitIntervalMs?: number;
  /** Raw bytes waiting for the archive beyond which consuming pauses. */
  maxPendingArchiveBytes?: number;
  /** Events dated further ahead than this are rejected as absurd (clock errors, unit mistakes). */
  maxFutureMs?: number;
  /** A partition whose batch has been unfinished for longer than this is reported stalled (health, gauge). */
  stallAfterMs?: number;
  /** A partition without a batch for longer than this is checked for idleness (absence rules); default 10 s. */
  idleAfterMs?: number;
  /**
   * Called once when the processor cannot go on (a failure that is neither transient nor the input's fault:
   * a bug); main exits non-zero. From then on nothing is committed, retries give up and `stop()` only leaves.
   */
  onFatal: (err: unknown) => void;
}

/**
 * Consumes the event topics as one consumer group: validate → dead-letter or evaluate rules → archive raw
 * bytes → persist and publish alerts. Offsets are committed only once everything before them is archived,
 * persisted and published, so a crash loses nothing (see README "Failure behaviour").
 */
export function createEventProcessor(options: EventProcessorOptions) {
  const { bus, store, logger, metrics, now, alertsTopic, dlqTopic } = options;
  const maxPending = options.maxPendingArchiveBytes ?? 64 * 1024 * 1024;
  const maxFutureMs = options.maxFutureMs ?? 3_600_000;
  /** Aborts every retry in flight: on a fatal failure (nothing may hang on the way out) and after stop. */
  const halt = new AbortController();
  const tracker = createCommitTracker({ replayMs: options.replayMs });
  const linker = createEvidenceLinker();
  const lastSeen = new Map<string, number>();
  const coveredThrough = new Map<string, number>();
  const engines = new Map<string, RuleEvaluator>();
  /** Per partition, what the idle check needs: its engine, last offset and when its last batch ended. */
  const evaluated = new Map<string, EvaluatedPartition>();
  const health = createPartitionHealth({ now, stallAfterMs: options.stallAfterMs });
  metrics.watchPartitions(() => health.partitions());
  const firstDeliveries = createFirstDeliveries();
  let consumer: BusConsumer | null = null;
  let timer: NodeJS.Timeout | null = null;
  let failure: unknown = null;
  let stopped = false;
  let evidenceChain = Promise.resolve();
  let archivedWaiters: (() => void)[] = [];

  /** Retries transient failures; `at` names the partition whose batch waits, for its health. */
  const retry = <T>(what: string, op: () => Promise<T>, at?: { topic: string; partition: number }) =>
    retryTransient(what, op, {
      logger,
      policy: options.retry,
      signal: halt.signal,
      onRetry: (err) => {
        metrics.retries.inc({ operation: what });
        if (at) health.waiting(at.topic, at.partition, `${what} (retrying)`, err);
      },
    });

  const wakeArchiveWaiters = (): void => {
    const waiters = archivedWaiters;
    archivedWaiters = [];
    for (const wake of waiters) wake();
  };

  const fail = (err: unknown): void => {
    if (failure || stopped) return;
    failure = err;
    logger.error({ err }, 'processor failed, stopping without committing further');
    // Whatever waits must see the failure now: a batch at the backpressure bound, a retry in an outage.
    halt.abort();
    wakeArchiveWaiters();
    options.onFatal(err);
  };

  /** Work off the hot path, in order; a failure there (never the input's fault) is fatal. */
  const background = (what: string, op: () => Promise<void>): void => {
    evidenceChain = evidenceChain.then(() => retry(what, op)).catch(fail);
  };

  const archiver = createRawArchiver({
    archive: options.archive,
    logger,
    now,
    limits: options.archiveLimits,
    write: (_key, put) => retry('archive.put', put),
    onArchived: (range) => onArchived(range),
    onFatal: fail,
  });

  function onArchived(range: ArchivedRange): void {
    metrics.archiveObjects.inc();
    metrics.archiveBytes.inc(range.bytes);
    const updates = linker.archived(range);
    if (updates.length > 0) background('store.addArchiveKeys', () => store.addArchiveKeys(updates));
    wakeArchiveWaiters();
  }

  const writeAlerts = createAlertOutput({ store, bus, alertsTopic, metrics, now, background });

  const idleAlerts = createIdleAlerts({
    bus,
    partitions: () => evaluated.values(),
    idleAfterMs: options.idleAfterMs ?? 10_000,
    now,
    logger,
    write: writeAlerts,
    retryFor: (topic, partition) => (what, op) => retry(what, op, { topic, partition }),
    link: (alert) => linker.link(alert),
    forget: (ids) => linker.forget(ids),
    onRefused: (source, count) => metrics.refused.inc({ source }, count),
    onFatal: fail,
  });

  /** After a gap or rewind in a partition's offsets: settle its archive state and learn what is archived. */
  async function resync(source: Source, message: BusMessage, retryHere: Retry): Promise<void> {
    const id = `${message.topic}:${message.partition}`;
    await archiver.flushAll();
    tracker.forget(message.topic, message.partition);
    engines.set(id, options.createEngine()); // state is rebuilt from the replayed events
    const through = await retryHere('archive.list', () =>
      archivedThrough(options.archive, {
        source,
        topic: message.topic,
        partition: message.partition,
        eventTime: message.timestamp,
        now: now(),
      }),
    );
    coveredThrough.set(id, through);
    logger.info(
      {
        topic: message.topic,
        partition: message.partition,
        offset: message.offset,
        archivedThrough: through,
      },
      'partition resynced',
    );
  }

  /**
   * The bus's handler. An error escaping a batch is never the input's fault (poison is dead-lettered
   * inside) nor transient (retried inside): it is a bug, so it stops the processor instead of coming again.
   */
  async function handle(batch: MessageBatch): Promise<void> {
    if (failure) throw failure;
    const first = batch.messages[0];
    if (!first) return;
    health.begin(batch.topic, batch.partition, first.offset);
    try {
      await handleBatch(batch, first);
    } catch (err) {
      health.failed(batch.topic, batch.partition, err);
      fail(err);
      throw failure ?? err;
    }
    health.done(batch.topic, batch.partition, batch.messages.at(-1)!.offset);
  }

  async function handleBatch(batch: MessageBatch, first: BusMessage): Promise<void> {
    const source = sourceOfTopic(batch.topic);
    if (!source) throw new Error(`processor subscribed to a non-event topic ${batch.topic}`);
    const started = performance.now();
    const id = `${batch.topic}:${batch.partition}`;
    const at = { topic: batch.topic, partition: batch.partition };
    const retryHere: Retry = (what, op) => retry(what, op, at);
    if (lastSeen.get(id) !== Number(first.offset) - 1) await resync(source, first, retryHere);
    const covered = coveredThrough.get(id) ?? -1;
    const engine = engines.get(id)!;

    const dlq: OutgoingMessage[] = [];
    const raised: RaisedAlert[] = [];
    const nowMs = now();
    for (const message of batch.messages) {
      const offset = Number(message.offset); // int64 as a double: exact below 2^53 offsets
      const decoded = decodeEvent(source, message.value);
      const eventTime = decoded.ok ? Date.parse(decoded.value.ts) : 0;
      const reason = !decoded.ok
        ? decoded.error
        : eventTime > nowMs + maxFutureMs
          ? `/ts: more than ${maxFutureMs / 60_000} min in the future`
          : null;
      if (reason !== null || !decoded.ok) {
        dlq.push(deadLetter(message, reason ?? 'invalid', nowMs));
        metrics.invalid.inc({ source });
        continue;
      }
      if (offset > covered) {
        archiver.append({
          source,
          topic: batch.topic,
          partition: batch.partition,
          offset,
          eventTime,
          raw: message.value,
        });
      } else {
        metrics.archiveSkipped.inc();
      }
      tracker.observe(batch.topic, batch.partition, offset, eventTime);
      const ingested = message.headers[INGESTED_AT_HEADER];
      const fired = engine.evaluate({
        source,
        event: decoded.value,
        ref: { topic: batch.topic, partition: batch.partition, offset: message.offset },
        ingestedAt: ingested ? Number(ingested) : message.timestamp,
        eventTime,
      });
      for (const alert of fired.alerts) raised.push({ alert: linker.link(alert), message });
    }
    metrics.eventsIn.inc({ source }, firstDeliveries.count(batch.topic, batch.partition, batch.messages));

    if (raised.length > 0) {
      const refused = await writeAlerts(raised, retryHere);
      if (refused.length > 0) {
        const records = deadLetterRefused(refused, now(), logger);
        metrics.refused.inc({ source }, records.length);
        linker.forget(new Set(refused.map((r) => r.item.alert.id)));
        dlq.push(...records);
      }
    }
    if (dlq.length > 0) await retryHere('bus.publish.dlq', () => bus.publish(dlqTopic, dlq));
    const last = Number(batch.messages[batch.messages.length - 1]!.offset);
    lastSeen.set(id, last);
    evaluated.set(id, { ...at, source, engine, lastOffset: last, lastBatchAt: now() });
    tracker.handled(batch.topic, batch.partition, last);
    metrics.batchSeconds.observe((performance.now() - started) / 1000);
    while (archiver.pendingBytes() > maxPending && !failure) {
      health.waiting(batch.topic, batch.partition, 'archive backpressure');
      await new Promise<void>((resolve) => archivedWaiters.push(resolve));
    }
    if (failure) throw failure;
  }

  async function commitProgress(): Promise<void> {
    const target = consumer;
    if (!target || failure) return;
    const offsets: OffsetCommit[] = [];
    for (const [topic, partition] of tracker.partitions()) {
      const next = tracker.next(topic, partition, archiver.oldestPending(topic, partition));
      if (next !== null) offsets.push({ topic, partition, offset: String(next) });
    }
    if (offsets.length === 0) return;
    try {
      await target.commit(offsets);
      for (const o of offsets) tracker.committed(o.topic, o.partition, Number(o.offset));
    } catch (err) {
      // Not fatal: the next tick retries; a partition lost in a rebalance is replayed by its new owner.
      logger.warn({ err, offsets }, 'commit failed');
    }
  }

  const currentHealth = (): ProcessorHealth =>
    processorHealth(health.partitions(), health.stallAfterMs, failure);

  function tick(): void {
    archiver.sealDue();
    commitProgress().catch(fail);
    if (!failure && !stopped) idleAlerts.tick();
  }

  return {
    async start(): Promise<void> {
      consumer = bus.consumer({
        groupId: options.groupId,
        topics: options.topics,
        fromBeginning: true,
        autoCommit: false,
      });
      await consumer.run(handle);
      timer = setInterval(tick, options.commitIntervalMs ?? 500);
      logger.info({ groupId: options.groupId }, 'processor started');
    },

    /**
     * Drains: writes buffered archive batches, commits, then leaves the group. After a fatal failure it
     * only leaves: nothing more is committed, and the aborted retries cannot keep it waiting.
     */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await idleAlerts.settled();
      if (!failure) {
        await archiver.flushAll();
        await evidenceChain;
        await commitProgress();
      }
      await consumer?.stop();
      if (!failure) await archiver.flushAll();
      stopped = true;
      halt.abort();
      logger.info('processor stopped');
    },

    /** Writes buffered archive batches and commits now (tests, shutdown). */
    async flush(): Promise<void> {
      await idleAlerts.settled();
      await archiver.flushAll();
      await evidenceChain;
      await commitProgress();
    },

    stats: () => ({ evidence: linker.stats(), pendingArchiveBytes: archiver.pendingBytes() }),

    health: currentHealth,

    /**
     * A health probe (no `this`: pass it as is): resolves while the processor runs and no partition is
     * stalled; otherwise rejects with the fatal error, or one line per stalled partition with its offset
     * and what it waits on.
     */
    async healthProbe(): Promise<void> {
      assertHealthy(currentHealth());
    },
  };
}

export type EventProcessor = ReturnType<typeof createEventProcessor>;
