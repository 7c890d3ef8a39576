import {
  type Bus,
  type BusConsumer,
  decodeEventJson,
  type MessageBatch,
  type Source,
  sourceOfTopic,
} from '@vigil/core';
import type { EventStore, IndexedEvent } from '@vigil/db';
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';

/** Its own group: the indexer reads the event topics beside the processor, never holding its offsets back. */
export const INDEXER_GROUP_ID = 'vigil-event-indexer';
/** How often the retention sweep runs: often enough that the table stays near its retention. */
export const PRUNE_EVERY_MS = 5 * 60_000;
/** Rejected events logged one by one per batch; the rest only counted (a batch of bad events is one line). */
const REJECTS_LOGGED = 5;

export interface EventIndexerOptions {
  bus: Bus;
  store: Pick<EventStore, 'insertEvents' | 'pruneOlderThan'>;
  /** The event topics to index (their source is read from the name, as the processor does). */
  topics: readonly string[];
  /** Events older than this (by event time) are swept out. */
  retentionMs: number;
  logger: Logger;
  registry?: Registry;
  groupId?: string;
  /**
   * Members of the group this indexer runs (default 1). Each handles its own partitions and waits for its
   * own inserts, so this many batches are written at once (on PostgreSQL, on as many connections) while
   * every offset is still committed only after its rows are stored. PGlite gains nothing from more than 1.
   */
  writers?: number;
  now?: () => number;
}

export interface EventIndexer {
  start(): Promise<void>;
  /** Finishes the batch in flight (its insert and commit), stops the sweep, leaves the group. */
  stop(): Promise<void>;
  stats(): { indexed: number; skipped: number; rejected: number; pruned: number };
}

/**
 * Copies valid events from the bus into the explorer's event store. Each partition batch is one insert and
 * is committed only once that insert resolved (the bus's auto-commit), so a crash re-reads, never loses, and
 * the store's idempotent insert makes the re-read harmless. Invalid events are skipped: the processor
 * already dead-letters them. An event the database refuses is rejected by the store alone (logged, counted)
 * and its batch goes on. A database outage throws, so the bus redelivers the batch with backoff.
 */
export function createEventIndexer(options: EventIndexerOptions): EventIndexer {
  const logger = options.logger.child({ module: 'event-indexer' });
  const now = options.now ?? Date.now;
  const counts = { indexed: 0, skipped: 0, rejected: 0, pruned: 0 };
  const writers = options.writers ?? 1;
  if (!Number.isInteger(writers) || writers < 1) throw new RangeError('writers must be an integer ≥ 1');
  const metrics = options.registry ? indexerMetrics(options.registry) : undefined;
  let consumers: BusConsumer[] = [];
  let sweepTimer: NodeJS.Timeout | undefined;
  let sweeping: Promise<void> = Promise.resolve();

  const handle = async (batch: MessageBatch) => {
    const source = sourceOfTopic(batch.topic);
    if (!source) return;
    const rows: IndexedEvent[] = [];
    for (const message of batch.messages) {
      const indexed = indexedEventOf(source, batch.partition, message);
      if (indexed) rows.push(indexed);
    }
    const skipped = batch.messages.length - rows.length;
    const { inserted, rejected } =
      rows.length > 0 ? await options.store.insertEvents(rows) : { inserted: 0, rejected: [] };
    counts.indexed += inserted;
    counts.skipped += skipped;
    counts.rejected += rejected.length;
    metrics?.indexed.inc(inserted);
    metrics?.skipped.inc(skipped);
    metrics?.rejected.inc(rejected.length);
    if (rejected.length > 0) {
      const { topic, partition } = batch;
      for (const { id, reason } of rejected.slice(0, REJECTS_LOGGED)) {
        logger.warn({ topic, partition, id, reason }, 'event refused by the event store; not indexed');
      }
      if (rejected.length > REJECTS_LOGGED) {
        logger.warn({ topic, partition, more: rejected.length - REJECTS_LOGGED }, 'more events refused');
      }
    }
  };

  const sweep = async () => {
    try {
      const pruned = await options.store.pruneOlderThan(new Date(now() - options.retentionMs));
      counts.pruned += pruned;
      metrics?.pruned.inc(pruned);
      if (pruned > 0) logger.info({ pruned }, 'events pruned');
    } catch (err) {
      // The next sweep catches up; indexing goes on meanwhile. Counted by the log only: it is rare and loud.
      logger.warn({ err }, 'event prune failed');
    }
  };

  return {
    async start() {
      consumers = Array.from({ length: writers }, () =>
        options.bus.consumer({
          groupId: options.groupId ?? INDEXER_GROUP_ID,
          topics: [...options.topics],
          fromBeginning: true,
        }),
      );
      try {
        await Promise.all(consumers.map((consumer) => consumer.run(handle)));
      } catch (err) {
        // A member that did start must not keep consuming beside the ones a retried start() makes.
        await Promise.allSettled(consumers.map((consumer) => consumer.stop()));
        consumers = [];
        throw err;
      }
      sweeping = sweep();
      sweepTimer = setInterval(() => {
        sweeping = sweeping.then(sweep);
      }, PRUNE_EVERY_MS);
      sweepTimer.unref();
      logger.info(
        { topics: options.topics, retentionMs: options.retentionMs, writers },
        'event indexer running',
      );
    },
    async stop() {
      clearInterval(sweepTimer);
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await sweeping;
    },
    stats: () => ({ ...counts }),
  };
}

/**
 * A bus message as the event store takes it, or null if it is not a valid event of its source. Its text goes
 * along with the event, so the store writes it as it came rather than serializing the parsed value again.
 */
export function indexedEventOf(
  source: Source,
  partition: number,
  message: Pick<MessageBatch['messages'][number], 'value' | 'offset' | 'timestamp'>,
): IndexedEvent | null {
  const decoded = decodeEventJson(source, message.value);
  if (!decoded.ok) return null;
  const event = decoded.value as IndexedEvent['event'];
  return {
    source,
    partition,
    offset: message.offset,
    busTimestamp: message.timestamp,
    event,
    json: decoded.json,
  };
}

function indexerMetrics(registry: Registry) {
  const counter = (name: string, help: string) => new Counter({ name, help, registers: [registry] });
  return {
    indexed: counter('vigil_indexer_events_indexed_total', 'events the indexer added to the event store'),
    skipped: counter('vigil_indexer_events_skipped_total', 'invalid events the indexer skipped'),
    rejected: counter('vigil_indexer_events_rejected_total', 'valid events the event store refused (logged)'),
    pruned: counter('vigil_indexer_events_pruned_total', 'events removed by the retention sweep'),
  };
}
