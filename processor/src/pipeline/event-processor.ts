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
import type { KeySpace, RepartitionPlan } from '../rules/repartition-plan.ts';
import {
  type AlertWriter,
  createAlertOutput,
  type FoldedAlerts,
  type RaisedAlert,
  type Retry,
} from './alert-output.ts';
import { type CommitTracker, createCommitTracker } from './commit-tracker.ts';
import { deadLetter, deadLetterRefused } from './dead-letter.ts';
import { createFirstDeliveries } from './first-deliveries.ts';
import { createGroupCommit } from './group-commit.ts';
import { createIdleAlerts, type EvaluatedPartition } from './idle-alerts.ts';
import type { Refused } from './isolate-refusals.ts';
import { createOriginClock, type OriginClock } from './origin-clock.ts';
import {
  assertHealthy,
  createPartitionHealth,
  type ProcessorHealth,
  processorHealth,
} from './partition-health.ts';
import { createPublishMarks } from './publish-marks.ts';
import { type Copy, collectCopies, packCopies, unpackCopies } from './repartition-wire.ts';

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
    streamTime?: number;
  }): { alerts: readonly Alert[] };
  /** Wall-clock idleness for absence rules; called only once the partition is idle (idle-alerts.ts). */
  tick?(): readonly Alert[];
}

/**
 * Stage two: the windowed rules, evaluated on the repartition topic where every event a key needs has been
 * copied to that key's partition, so a window counts exactly whatever the event topics' partitioning
 * (README "Exact windows"). Stage one (the event topics) runs the per-event rules, archives, and publishes
 * the copies before it commits; stage two is its own consumer group over the repartition topic.
 */
/** The lower of two commit bounds (null: no bound). */
const oldestOf = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.min(a, b);

export interface RepartitionOptions {
  topic: string;
  groupId: string;
  plan: Pick<RepartitionPlan, 'spaces' | 'byId'>;
  /** The engine of one key space in one repartition partition (its rules, narrowed to the space's field). */
  createEngine: (space: KeySpace) => RuleEvaluator;
  /** Event time replayed after a takeover of a repartition partition, to rebuild window state. */
  replayMs: number;
  /** Wall-clock silence after which an origin partition stops holding stream time back (origin-clock.ts). */
  originIdleMs?: number;
}

/**
 * Everything the processor derives from the rules, which `reload` replaces while it runs (hot reload): stage
 * one's engine factory, stage two's plan, engine factory and replay window, and each rule's resolveAfterMs.
 */
export interface RuleSet {
  createEngine: () => RuleEvaluator;
  repartition?: Pick<RepartitionOptions, 'plan' | 'createEngine' | 'replayMs'>;
  resolveAfterMs?: (ruleId: string) => number;
}

/**
 * How long stage one's copy publish waits for more batches' copies (Kafka's linger.ms). Every publish is a
 * produce request and wakes stage two's fetch: at 1,000 events/s batches hold one or two events, and without
 * it the processor sent ≈ 440 produce and 400 stage-two fetch requests a second. At 5 ms it sent ≈ 120 of
 * each (0.75 → 0.64 cores); at 50 ms ≈ 25 and 16 at 5,000 events/s (strace, 10 s), and its CPU went from
 * 0.66 to 0.53 cores at 1,000 events/s and from 0.70 to 0.61 at 5,000 (quick end-to-end runs, one each).
 * Windowed rules' alerts come that much later, which their windows of minutes do not notice; per-event
 * rules' not at all.
 */
export const COPY_LINGER_MS = 50;

/**
 * How long publish marks gather before one store write (publish-marks.ts): REST's publishedAt is written up
 * to this late, each mark with its own time.
 */
export const PUBLISH_MARK_LINGER_MS = 100;

/** Longer than a takeover (the default 30 s session timeout and a replay), so a crash makes nothing late. */
export const DEFAULT_ORIGIN_IDLE_MS = 60_000;

/** Stage two's state of one repartition partition: per key space, its engine and its origins. */
interface KeyedPartition {
  spaces: Map<string, { engine: RuleEvaluator; clock: OriginClock }>;
}

export interface EventProcessorOptions {
  bus: Bus;
  archive: Archive;
  store: AlertWriter;
  /**
   * Makes the rule engine of one event partition (stage one). With `repartition` it holds the per-event
   * rules only; without, every rule, and windows are then exact only for keys colocated by partition.
   */
  createEngine: () => RuleEvaluator;
  repartition?: RepartitionOptions;
  logger: Logger;
  metrics: ProcessorMetrics;
  now: () => number;
  groupId: string;
  /** The resolveAfterMs of a rule by id, for folding its firings into episodes (default 5 min). */
  resolveAfterMs?: (ruleId: string) => number;
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
  /** Stage two's options; `reload` replaces its plan, engine factory and replay window. */
  let repartition = options.repartition;
  let createEngine = options.createEngine;
  /**
   * The key spaces a copy may name: the current plan's, then those of earlier rule sets it lacks (their copies
   * still in flight are recognized, then dropped). Rebuilt by `reload`, so no batch builds it.
   */
  let knownSpaces: ReadonlyMap<string, KeySpace> = repartition?.plan.byId ?? new Map();
  /** Partitions whose next batch must rebuild its engines whatever its offset (after a reload). */
  const forceResync = new Set<string>();
  const keyedTracker = createCommitTracker({ replayMs: repartition?.replayMs ?? 0 });
  const keyed = new Map<string, KeyedPartition>();
  /** Per source, the event partitions copies can come from (`<topic>:<partition>`), read at start. */
  const originsOf = new Map<Source, string[]>();
  /** Partitions of the repartition topic, read at start: where packCopies routes each key. */
  let repartitionPartitions = 1;
  const linker = createEvidenceLinker();
  /** Per event partition, its source and the newest event time read from it (auto-resolve's stream time). */
  const newestEventTime = new Map<string, { source: Source; ms: number }>();
  const lastSeen = new Map<string, number>();
  const coveredThrough = new Map<string, number>();
  const engines = new Map<string, RuleEvaluator>();
  /** Per partition, what the idle check needs: its engine, last offset and when its last batch ended. */
  const evaluated = new Map<string, EvaluatedPartition>();
  const health = createPartitionHealth({ now, stallAfterMs: options.stallAfterMs });
  metrics.watchPartitions(() => health.partitions());
  const firstDeliveries = createFirstDeliveries();
  let consumer: BusConsumer | null = null;
  let keyedConsumer: BusConsumer | null = null;
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
  /** Stage one's repartition copies, published off the batch's path, many batches per publish. */
  const copyPublisher = createGroupCommit<{ source: Source; copies: Copy[] }>({
    write: async (batches, at) => {
      const packs = packCopies(
        batches.flatMap((b) => b.copies),
        repartitionPartitions,
      );
      await retry('bus.publish.repartition', () => bus.publish(repartition!.topic, packs), at);
      for (const { source, copies } of batches)
        metrics.repartition.inc({ source, outcome: 'published' }, copies.length);
    },
    weight: (batch) => batch.copies.length,
    maxPending: 100_000,
    maxPerWrite: 20_000,
    lingerMs: COPY_LINGER_MS,
    onError: fail,
  });

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
    // The alerts gaining keys may still be queued for their fold: their rows must exist first.
    if (updates.length > 0)
      background('store.addArchiveKeys', async () => {
        await alertQueue.settled();
        await store.addArchiveKeys(updates);
      });
    wakeArchiveWaiters();
  }

  const marks = createPublishMarks({
    markPublished: (published, at) => store.markPublished(published, at),
    background,
    lingerMs: PUBLISH_MARK_LINGER_MS,
  });
  let resolveAfterOf = options.resolveAfterMs ?? (() => 300_000);
  const alertOutput = createAlertOutput({
    store,
    bus,
    alertsTopic,
    metrics,
    now,
    marks,
    resolveAfterMs: (ruleId) => resolveAfterOf(ruleId),
  });

  /**
   * Alerts, folded and published off the batch's path, many batches per fold; each batch's invalid events
   * are dead-lettered after its alerts, with the events of alerts the store refused. A fold's publish runs
   * beside the next fold (the `finish` step), so an alert that arrives during a publish waits for one fold,
   * not a fold and a publish.
   */
  type AlertBatch = { raised: RaisedAlert[]; dlq: OutgoingMessage[] };
  const alertQueue = createGroupCommit<AlertBatch, { folded: FoldedAlerts; batches: AlertBatch[] }>({
    write: async (batches, at) => ({
      folded: await alertOutput.fold(
        batches.flatMap((b) => b.raised),
        (what, op) => retry(what, op, at),
      ),
      batches,
    }),
    finish: async ({ folded, batches }, at) => {
      const retryHere: Retry = (what, op) => retry(what, op, at);
      const refused = await alertOutput.publish(folded, retryHere);
      await deadLetterAll(
        refused,
        batches.flatMap((b) => b.dlq),
        retryHere,
      );
    },
    weight: (batch) => batch.raised.length,
    maxPending: 20_000,
    maxPerWrite: 5_000,
    onError: fail,
    onWritten: (at) => settle(at.topic, at.partition),
  });
  /** Partitions whose batch is in the handler right now. */
  const handling = new Set<string>();

  /**
   * A partition is done once its batch is handled and every alert it raised is written: until then health
   * shows it busy, so a store that stays down stalls the partition whose alerts wait (the probe, the gauge).
   */
  function settle(topic: string, partition: number): void {
    const id = `${topic}:${partition}`;
    if (handling.has(id) || alertQueue.oldestPending(topic, partition) !== null) return;
    const through = lastSeen.get(id);
    if (through !== undefined) health.done(topic, partition, String(through));
  }

  const idleAlerts = createIdleAlerts({
    bus,
    partitions: () => evaluated.values(),
    idleAfterMs: options.idleAfterMs ?? 10_000,
    now,
    logger,
    write: alertOutput.write,
    retryFor: (topic, partition) => (what, op) => retry(what, op, { topic, partition }),
    link: (alert) => linker.link(alert),
    forget: (ids) => linker.forget(ids),
    onRefused: (source, count) => metrics.refused.inc({ source }, count),
    onFatal: fail,
  });

  /** After a gap or rewind in a partition's offsets: settle its archive state and learn what is archived. */
  async function resync(source: Source, message: BusMessage, retryHere: Retry): Promise<void> {
    const id = `${message.topic}:${message.partition}`;
    await Promise.all([copyPublisher.settled(), alertQueue.settled()]);
    await archiver.flushAll();
    tracker.forget(message.topic, message.partition);
    engines.set(id, createEngine()); // state is rebuilt from the replayed events
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
    const id = `${batch.topic}:${batch.partition}`;
    handling.add(id);
    try {
      if (batch.topic === repartition?.topic) await handleCopies(batch, first, repartition);
      else await handleBatch(batch, first);
    } catch (err) {
      health.failed(batch.topic, batch.partition, err);
      fail(err);
      throw failure ?? err;
    } finally {
      handling.delete(id);
    }
    settle(batch.topic, batch.partition);
  }

  async function handleBatch(batch: MessageBatch, first: BusMessage): Promise<void> {
    const source = sourceOfTopic(batch.topic);
    if (!source) throw new Error(`processor subscribed to a non-event topic ${batch.topic}`);
    const started = performance.now();
    const id = `${batch.topic}:${batch.partition}`;
    const at = { topic: batch.topic, partition: batch.partition };
    const retryHere: Retry = (what, op) => retry(what, op, at);
    if (lastSeen.get(id) !== Number(first.offset) - 1) await resync(source, first, retryHere);
    else if (forceResync.delete(id)) engines.set(id, createEngine()); // a reload: per-event rules keep no state
    const covered = coveredThrough.get(id) ?? -1;
    const engine = engines.get(id)!;

    const dlq: OutgoingMessage[] = [];
    const raised: RaisedAlert[] = [];
    const copies: Copy[] = [];
    const spaces = repartition?.plan.spaces[source] ?? [];
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
      if (eventTime > (newestEventTime.get(id)?.ms ?? -1)) newestEventTime.set(id, { source, ms: eventTime });
      const ingested = message.headers[INGESTED_AT_HEADER];
      const fired = engine.evaluate({
        source,
        event: decoded.value,
        ref: { topic: batch.topic, partition: batch.partition, offset: message.offset },
        ingestedAt: ingested ? Number(ingested) : message.timestamp,
        eventTime,
      });
      for (const alert of fired.alerts) raised.push({ alert: linker.link(alert), message });
      if (spaces.length > 0) collectCopies(spaces, message, decoded.value, copies);
    }
    metrics.eventsIn.inc({ source }, firstDeliveries.count(batch.topic, batch.partition, batch.messages));

    // Copies and alerts are written off the batch's path (group-commit.ts); commits wait for both.
    if (copies.length > 0) await copyPublisher.enqueue(at, Number(first.offset), { source, copies });
    if (raised.length > 0) await alertQueue.enqueue(at, Number(first.offset), { raised, dlq });
    else await deadLetterAll([], dlq, retryHere);
    const last = Number(batch.messages[batch.messages.length - 1]!.offset);
    lastSeen.set(id, last);
    // With repartitioning, stage one holds no rule that fires on silence: stage two's partitions do.
    if (!repartition) evaluated.set(id, { ...at, engine, lastOffset: last, lastBatchAt: now() });
    tracker.handled(batch.topic, batch.partition, last);
    metrics.batchSeconds.observe((performance.now() - started) / 1000);
    while (archiver.pendingBytes() > maxPending && !failure) {
      health.waiting(batch.topic, batch.partition, 'archive backpressure');
      await new Promise<void>((resolve) => archivedWaiters.push(resolve));
    }
    if (failure) throw failure;
  }

  /** Dead-letters the events whose alerts the store refused (poison), with the batch's invalid ones. */
  async function deadLetterAll(
    refused: Refused<RaisedAlert>[],
    dlq: OutgoingMessage[],
    retryHere: Retry,
  ): Promise<void> {
    if (refused.length > 0) {
      dlq.push(...deadLetterRefused(refused, now(), logger));
      for (const { item } of refused) metrics.refused.inc({ source: item.alert.source });
      linker.forget(new Set(refused.map((r) => r.item.alert.id)));
    }
    if (dlq.length > 0) await retryHere('bus.publish.dlq', () => bus.publish(dlqTopic, dlq));
  }

  function keyedPartition(): KeyedPartition {
    return { spaces: new Map() };
  }

  /**
   * Hot reload: from the next batch of each partition on, only the new rules run. Stage one's per-event
   * rules keep no state: its partitions get new engines and go on. Stage two's partitions are rewound to
   * where their replay window starts under the new rules and rebuild every window from the copies there, so
   * a changed rule goes live with the minutes already counted; an unchanged rule rebuilds the same state,
   * and the firings it raises again are duplicates the store drops. Nothing evaluates with both versions:
   * the switch happens between batches (evaluation is synchronous) and each partition has one owner.
   */
  function reload(next: RuleSet): void {
    const previous = repartition;
    createEngine = next.createEngine;
    if (next.resolveAfterMs) resolveAfterOf = next.resolveAfterMs;
    if (previous && next.repartition) {
      knownSpaces = new Map([...knownSpaces, ...next.repartition.plan.byId]);
      repartition = { ...previous, ...next.repartition };
      keyedTracker.setReplayMs(next.repartition.replayMs);
    }
    for (const id of engines.keys()) forceResync.add(id);
    for (const id of keyed.keys()) {
      forceResync.add(id);
      evaluated.delete(id); // no silence rule of the old set fires before the rebuild
      const cut = id.lastIndexOf(':');
      const [topic, partition] = [id.slice(0, cut), Number(id.slice(cut + 1))];
      const from = keyedTracker.replayFrom(topic, partition);
      if (from === null || !keyedConsumer) continue;
      try {
        keyedConsumer.seek(topic, partition, String(from));
      } catch (err) {
        // A partition lost in a rebalance: its new owner replays the window when it takes it over.
        logger.warn({ err, topic, partition }, 'reload could not rewind a repartition partition');
      }
    }
    logger.info(
      { eventPartitions: engines.size, keyedPartitions: keyed.size, replayMs: repartition?.replayMs },
      'rules reloaded',
    );
  }

  /** Stage two's engine tick of one repartition partition: every key space's silence rules. */
  const keyedTick = (state: KeyedPartition) => (): readonly Alert[] => {
    const alerts: Alert[] = [];
    for (const { engine } of state.spaces.values()) alerts.push(...(engine.tick?.() ?? []));
    return alerts;
  };

  /**
   * Stage two: a batch of copies from one repartition partition. Each copy is evaluated by its key space's
   * engine with the event's original bus position (evidence, and the same alert ids as one engine over the
   * whole stream would give); redelivered copies are skipped by origin offset (origin-clock.ts).
   */
  async function handleCopies(
    batch: MessageBatch,
    first: BusMessage,
    stage: RepartitionOptions,
  ): Promise<void> {
    const started = performance.now();
    const id = `${batch.topic}:${batch.partition}`;
    const at = { topic: batch.topic, partition: batch.partition };
    const retryHere: Retry = (what, op) => retry(what, op, at);
    if (forceResync.delete(id) || lastSeen.get(id) !== Number(first.offset) - 1) {
      // A takeover, a rewind, a first batch or a reload: state is rebuilt from the replayed copies.
      keyedTracker.forget(batch.topic, batch.partition);
      keyed.set(id, keyedPartition());
      logger.info({ ...at, offset: first.offset }, 'repartition partition resynced');
    }
    const state = keyed.get(id)!;
    const archivedHere = (topic: string, partition: number) => lastSeen.has(`${topic}:${partition}`);
    const dlq: OutgoingMessage[] = [];
    const raised: RaisedAlert[] = [];
    const nowMs = now();
    for (const message of batch.messages) {
      const unpacked = unpackCopies(message, knownSpaces);
      if (!unpacked.ok) {
        dlq.push(deadLetter(message, unpacked.reason, nowMs));
        metrics.repartition.inc({ source: 'unknown', outcome: 'invalid' });
        continue;
      }
      for (const { value, reason } of unpacked.refused) {
        dlq.push(deadLetter({ ...message, value }, reason, nowMs));
        metrics.repartition.inc({ source: 'unknown', outcome: 'invalid' });
      }
      for (const copy of unpacked.copies) {
        const decoded = decodeEvent(copy.source, copy.value);
        if (!decoded.ok) {
          dlq.push(
            deadLetter({ ...message, value: copy.value }, `repartition copy: ${decoded.error}`, nowMs),
          );
          metrics.repartition.inc({ source: copy.source, outcome: 'invalid' });
          continue;
        }
        if (!stage.plan.byId.has(copy.space.id)) {
          // Packed before a reload removed its key space: no rule in force reads it any more.
          metrics.repartition.inc({ source: copy.source, outcome: 'retired' });
          continue;
        }
        const eventTime = Date.parse(decoded.value.ts);
        let space = state.spaces.get(copy.space.id);
        if (!space) {
          space = {
            engine: stage.createEngine(copy.space),
            clock: createOriginClock({
              idleMs: stage.originIdleMs ?? DEFAULT_ORIGIN_IDLE_MS,
              expected: originsOf.get(copy.source) ?? [],
              now: nowMs,
            }),
          };
          state.spaces.set(copy.space.id, space);
        }
        if (!space.clock.admit(copy.originId, Number(copy.origin.offset), eventTime, nowMs)) {
          metrics.repartition.inc({ source: copy.source, outcome: 'duplicate' });
          continue;
        }
        keyedTracker.observe(batch.topic, batch.partition, Number(message.offset), eventTime);
        const fired = space.engine.evaluate({
          source: copy.source,
          event: decoded.value,
          ref: copy.origin,
          ingestedAt: copy.ingestedAt,
          eventTime,
          streamTime: space.clock.streamTime(nowMs),
        });
        for (const alert of fired.alerts) raised.push({ alert: linker.link(alert, archivedHere), message });
      }
    }
    if (raised.length > 0) await alertQueue.enqueue(at, Number(first.offset), { raised, dlq });
    else await deadLetterAll([], dlq, retryHere);
    const last = Number(batch.messages[batch.messages.length - 1]!.offset);
    lastSeen.set(id, last);
    evaluated.set(id, { ...at, engine: { tick: keyedTick(state) }, lastOffset: last, lastBatchAt: now() });
    keyedTracker.handled(batch.topic, batch.partition, last);
    metrics.batchSeconds.observe((performance.now() - started) / 1000);
  }

  async function commitWith(
    target: BusConsumer | null,
    partitions: CommitTracker,
    oldestPending: (topic: string, partition: number) => number | null,
  ): Promise<void> {
    if (!target || failure) return;
    const offsets: OffsetCommit[] = [];
    for (const [topic, partition] of partitions.partitions()) {
      const next = partitions.next(topic, partition, oldestPending(topic, partition));
      if (next !== null) offsets.push({ topic, partition, offset: String(next) });
    }
    if (offsets.length === 0) return;
    try {
      await target.commit(offsets);
      for (const o of offsets) partitions.committed(o.topic, o.partition, Number(o.offset));
    } catch (err) {
      // Not fatal: the next tick retries; a partition lost in a rebalance is replayed by its new owner.
      logger.warn({ err, offsets }, 'commit failed');
    }
  }

  async function commitProgress(): Promise<void> {
    await Promise.all([
      commitWith(consumer, tracker, (topic, partition) =>
        oldestOf(
          oldestOf(archiver.oldestPending(topic, partition), alertQueue.oldestPending(topic, partition)),
          copyPublisher.oldestPending(topic, partition),
        ),
      ),
      commitWith(keyedConsumer, keyedTracker, alertQueue.oldestPending),
    ]);
  }

  const currentHealth = (): ProcessorHealth =>
    processorHealth(health.partitions(), health.stallAfterMs, failure);

  function tick(): void {
    archiver.sealDue();
    commitProgress().catch(fail);
    if (!failure && !stopped) idleAlerts.tick();
  }

  return {
    /**
     * Per source, the oldest of its partitions' newest event times: how far the stream has surely got (a
     * partition behind holds it back, so auto-resolve never runs ahead of a key still being read).
     */
    streamTimes(): Partial<Record<Source, number>> {
      const times: Partial<Record<Source, number>> = {};
      for (const { source, ms } of newestEventTime.values())
        times[source] = Math.min(times[source] ?? ms, ms);
      return times;
    },
    reload,
    /** Retries transient failures for work that belongs to no partition (auto-resolve). */
    retry: <T>(what: string, op: () => Promise<T>) => retry(what, op),
    /** Where auto-resolve's publishes are marked, with the processor's own. */
    marks,
    async start(): Promise<void> {
      consumer = bus.consumer({
        groupId: options.groupId,
        topics: options.topics,
        fromBeginning: true,
        autoCommit: false,
      });
      if (repartition) repartitionPartitions = (await bus.topicOffsets(repartition.topic)).length;
      await consumer.run(handle);
      if (repartition) {
        for (const topic of options.topics) {
          const source = sourceOfTopic(topic);
          const partitions = await bus.topicOffsets(topic);
          if (source)
            originsOf.set(
              source,
              partitions.map((p) => `${topic}:${p.partition}`),
            );
        }
        keyedConsumer = bus.consumer({
          groupId: repartition.groupId,
          topics: [repartition.topic],
          fromBeginning: true,
          autoCommit: false,
        });
        await keyedConsumer.run(handle);
      }
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
        await Promise.all([copyPublisher.settled(), alertQueue.settled()]);
        await archiver.flushAll();
        marks.flush();
        await evidenceChain;
        await commitProgress();
      }
      // Stage one first: copies it publishes while draining are still evaluated before stage two leaves.
      await consumer?.stop();
      await Promise.all([copyPublisher.settled(), alertQueue.settled()]);
      if (!failure) await archiver.flushAll();
      if (!failure) await commitWith(keyedConsumer, keyedTracker, alertQueue.oldestPending);
      await keyedConsumer?.stop();
      await alertQueue.settled(); // stage two's last batches: written, their offsets replayed by the next owner
      if (!failure) {
        marks.flush(); // what the drain published, marked before leaving (else the next owner republishes it)
        await evidenceChain;
      }
      stopped = true;
      halt.abort();
      logger.info('processor stopped');
    },

    /** Writes buffered archive batches and commits now (tests, shutdown). */
    async flush(): Promise<void> {
      await idleAlerts.settled();
      await Promise.all([copyPublisher.settled(), alertQueue.settled()]);
      await archiver.flushAll();
      marks.flush();
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
