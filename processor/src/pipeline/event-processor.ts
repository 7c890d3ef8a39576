import { performance } from 'node:perf_hooks';
import { type RetryPolicy, retryTransient } from '@vigil/adapters';
import {
  type Alert,
  type Archive,
  type Bus,
  type BusConsumer,
  type BusMessage,
  decodeEvent,
  EVENT_TOPICS,
  type EventBySource,
  type MessageBatch,
  type OffsetCommit,
  type OutgoingMessage,
  type Source,
  sourceOfTopic,
  TOPICS,
} from '@vigil/core';
import type { Logger } from 'pino';
import { archivedThrough } from '../archive/archive-coverage.ts';
import { type ArchiveKeyUpdate, createEvidenceLinker } from '../archive/evidence-linker.ts';
import { type ArchivedRange, type ArchiveLimits, createRawArchiver } from '../archive/raw-archiver.ts';
import type { ProcessorMetrics } from '../metrics/processor-metrics.ts';
import { createCommitTracker } from './commit-tracker.ts';
import { deadLetter } from './dead-letter.ts';

/** What the processor needs from the rule engine (processor/src/rules/). */
export interface RuleEvaluator {
  evaluate(input: {
    source: Source;
    event: EventBySource[Source];
    ref: { topic: string; partition: number; offset: string };
    ingestedAt?: number;
  }): { alerts: readonly Alert[] };
}

/** What the processor needs from the alert store (@vigil/db). */
export interface AlertWriter {
  /** Idempotent on alert id; resolves with the number of new rows. */
  insertAlerts(alerts: Alert[]): Promise<number>;
  addArchiveKeys(updates: ArchiveKeyUpdate[]): Promise<void>;
  markPublished(ids: readonly string[], publishedAt: string): Promise<void>;
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
  topics?: string[];
  alertsTopic?: string;
  dlqTopic?: string;
  archiveLimits?: ArchiveLimits;
  /** Event time replayed after a takeover to rebuild windows (see commit-tracker.ts). */
  replayMs: number;
  retry?: RetryPolicy;
  commitIntervalMs?: number;
  /** Raw bytes waiting for the archive beyond which consuming pauses. */
  maxPendingArchiveBytes?: number;
  /** Events dated further ahead than this are rejected as absurd (clock errors, unit mistakes). */
  maxFutureMs?: number;
  /** Called once when the processor cannot go on (a non-transient failure); main exits non-zero. */
  onFatal: (err: unknown) => void;
}

/** The header HTTP ingest sets (epoch ms); otherwise the bus timestamp stands for ingestion time. */
export const INGESTED_AT_HEADER = 'ingested-at';

/**
 * Consumes the event topics as one consumer group: validate → dead-letter or evaluate rules → archive raw
 * bytes → persist and publish alerts. Offsets are committed only once everything before them is archived,
 * persisted and published, so a crash loses nothing (see README "Failure behaviour").
 */
export function createEventProcessor(options: EventProcessorOptions) {
  const { bus, store, logger, metrics, now } = options;
  const alertsTopic = options.alertsTopic ?? TOPICS.alerts;
  const dlqTopic = options.dlqTopic ?? TOPICS.dlq;
  const maxPending = options.maxPendingArchiveBytes ?? 64 * 1024 * 1024;
  const maxFutureMs = options.maxFutureMs ?? 3_600_000;
  const abort = new AbortController();
  const tracker = createCommitTracker({ replayMs: options.replayMs });
  const linker = createEvidenceLinker();
  const lastSeen = new Map<string, number>();
  const coveredThrough = new Map<string, number>();
  const engines = new Map<string, RuleEvaluator>();
  let consumer: BusConsumer | null = null;
  let timer: NodeJS.Timeout | null = null;
  let failure: unknown = null;
  let evidenceChain = Promise.resolve();
  let archivedWaiters: (() => void)[] = [];

  const retry = <T>(what: string, op: () => Promise<T>) =>
    retryTransient(what, op, {
      logger,
      policy: options.retry,
      signal: abort.signal,
      onRetry: () => metrics.retries.inc({ operation: what }),
    });

  const fail = (err: unknown): void => {
    if (failure || abort.signal.aborted) return;
    failure = err;
    logger.error({ err }, 'processor failed, stopping without committing further');
    options.onFatal(err);
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
    if (updates.length > 0) {
      evidenceChain = evidenceChain
        .then(() => retry('store.addArchiveKeys', () => store.addArchiveKeys(updates)))
        .catch(fail);
    }
    const waiters = archivedWaiters;
    archivedWaiters = [];
    for (const wake of waiters) wake();
  }

  /** After a gap or rewind in a partition's offsets: settle its archive state and learn what is archived. */
  async function resync(source: Source, message: BusMessage): Promise<void> {
    const id = `${message.topic}:${message.partition}`;
    await archiver.flushAll();
    tracker.forget(message.topic, message.partition);
    engines.set(id, options.createEngine()); // state is rebuilt from the replayed events
    const through = await retry('archive.list', () =>
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

  async function handle(batch: MessageBatch): Promise<void> {
    if (failure) throw failure;
    const source = sourceOfTopic(batch.topic);
    if (!source) throw new Error(`processor subscribed to a non-event topic ${batch.topic}`);
    const first = batch.messages[0];
    if (!first) return;
    const started = performance.now();
    const id = `${batch.topic}:${batch.partition}`;
    if (lastSeen.get(id) !== Number(first.offset) - 1) await resync(source, first);
    const covered = coveredThrough.get(id) ?? -1;
    const engine = engines.get(id)!;

    const dlq: OutgoingMessage[] = [];
    const alerts: Alert[] = [];
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
      });
      for (const alert of fired.alerts) alerts.push(linker.link(alert));
    }
    metrics.eventsIn.inc({ source }, batch.messages.length);

    if (dlq.length > 0) await retry('bus.publish.dlq', () => bus.publish(dlqTopic, dlq));
    if (alerts.length > 0) await persistAndPublish(alerts);
    const last = Number(batch.messages[batch.messages.length - 1]!.offset);
    lastSeen.set(id, last);
    tracker.handled(batch.topic, batch.partition, last);
    metrics.batchSeconds.observe((performance.now() - started) / 1000);
    while (archiver.pendingBytes() > maxPending && !failure) {
      await new Promise<void>((resolve) => archivedWaiters.push(resolve));
    }
  }

  async function persistAndPublish(alerts: Alert[]): Promise<void> {
    await retry('store.insertAlerts', () => store.insertAlerts(alerts));
    const publishedAt = now();
    const messages = alerts.map((alert) => ({
      key: null, // the alerts topic has one partition: its offset is the gateways' global cursor
      value: JSON.stringify({ ...alert, publishedAt: new Date(publishedAt).toISOString() }),
    }));
    await retry('bus.publish.alerts', () => bus.publish(alertsTopic, messages));
    // Off the hot path: the published time is for the alert's timeline in REST, not needed to go on.
    const ids = alerts.map((alert) => alert.id);
    const at = new Date(publishedAt).toISOString();
    evidenceChain = evidenceChain
      .then(() => retry('store.markPublished', () => store.markPublished(ids, at)))
      .catch(fail);
    for (const alert of alerts) {
      metrics.alerts.inc({ rule: alert.ruleId, severity: alert.severity });
      if (alert.ingestedAt) metrics.latency.observe((publishedAt - Date.parse(alert.ingestedAt)) / 1000);
    }
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

  function tick(): void {
    archiver.sealDue();
    commitProgress().catch(fail);
  }

  return {
    async start(): Promise<void> {
      consumer = bus.consumer({
        groupId: options.groupId,
        topics: options.topics ?? EVENT_TOPICS,
        fromBeginning: true,
        autoCommit: false,
      });
      await consumer.run(handle);
      timer = setInterval(tick, options.commitIntervalMs ?? 500);
      logger.info({ groupId: options.groupId }, 'processor started');
    },

    /** Drains: writes buffered archive batches, commits, then leaves the group. */
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await archiver.flushAll();
      await evidenceChain;
      await commitProgress();
      await consumer?.stop();
      await archiver.flushAll();
      abort.abort();
      logger.info('processor stopped');
    },

    /** Writes buffered archive batches and commits now (tests, shutdown). */
    async flush(): Promise<void> {
      await archiver.flushAll();
      await evidenceChain;
      await commitProgress();
    },

    stats: () => ({ evidence: linker.stats(), pendingArchiveBytes: archiver.pendingBytes() }),
  };
}

export type EventProcessor = ReturnType<typeof createEventProcessor>;
