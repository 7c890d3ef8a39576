import { randomUUID } from 'node:crypto';
import { type Bus, type BusConsumer, type BusMessage, FEED_START, retry, ValidationError } from '@vigil/core';
import type { Logger } from 'pino';
import {
  type AlertHistory,
  type AlertSink,
  CursorExpiredError,
  type LiveMetrics,
  type RingEntry,
} from '../live/live-types.ts';
import { createAlertRing } from './alert-ring.ts';
import { createCursorCodec } from './cursor.ts';
import { decodeAlertRecord } from './decode-alert.ts';
import { createDedupeWindow, type DedupeWindow } from './dedupe-window.ts';
import { DEFAULT_FEED_LIMITS, type FeedLimits } from './feed-limits.ts';
import { readRange } from './range-reader.ts';
import { createSemaphore } from './semaphore.ts';

export interface AlertFeedOptions {
  bus: Bus;
  /** Names the offset space of cursors: fixed for Kafka, the process start for the in-process bus. */
  epoch: string;
  /** The alerts topic (`topicNames(prefix).alerts`); ONE partition (checked at start). */
  topic: string;
  /** Consumer group of this instance; default `gateway-<random>`, so every gateway sees every alert. */
  groupId?: string;
  sink: AlertSink;
  metrics: LiveMetrics;
  logger: Logger;
  limits?: Partial<FeedLimits>;
}

export interface FeedStatus {
  state: 'idle' | 'starting' | 'live' | 'stopped';
  topic: string;
  headCursor: string;
  ringAlerts: number;
  ringBytes: number;
}

export interface AlertFeed extends AlertHistory {
  start(): Promise<void>;
  stop(): Promise<void>;
  status(): FeedStatus;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Consumes the alerts topic from its live end (after preloading the newest alerts into the ring),
 * validates and deduplicates each record, keeps the recent-history ring and hands new alerts to the
 * sink. Assumption: the alerts topic has exactly one partition (core's vigilTopics creates it so), so
 * its offset is a global order and the cursors built on it are the same on every gateway instance.
 */
export function createAlertFeed(options: AlertFeedOptions): AlertFeed {
  const { bus, sink, metrics } = options;
  const { topic } = options;
  const groupId = options.groupId ?? `gateway-${randomUUID().slice(0, 12)}`;
  const limits = { ...DEFAULT_FEED_LIMITS, ...options.limits };
  const logger = options.logger.child({ module: 'alert-feed', topic });
  const codec = createCursorCodec(options.epoch);
  const ring = createAlertRing({ maxAlerts: limits.ringMaxAlerts, maxBytes: limits.ringMaxBytes });
  let dedupe = createDedupeWindow(limits.dedupeWindow);
  const replaySlots = createSemaphore(limits.maxConcurrentReplays);
  const stopping = new AbortController();
  let consumer: BusConsumer | undefined;
  let state: FeedStatus['state'] = 'idle';
  let pending: BusMessage[] = [];
  /** Frame bytes handed to the sink since the last turn of the event loop (see ingest). */
  let bytesSinceYield = 0;
  // Batches are ingested strictly one after another, whoever hands them in.
  let chain: Promise<void> = Promise.resolve();

  const bounds = async () => {
    const partitions = await bus.topicOffsets(topic);
    if (partitions.length !== 1) {
      throw new ValidationError(
        `the ${topic} topic must have exactly 1 partition, it has ${partitions.length}`,
      );
    }
    return { low: Number(partitions[0]!.low), high: Number(partitions[0]!.high) };
  };

  /** Decodes and dedupes one record; the entry to keep, or null when skipped (counted once, by the feed). */
  const admit = (message: BusMessage, window: DedupeWindow, count: boolean): RingEntry | null => {
    const decoded = decodeAlertRecord(message, codec, limits.maxAlertBytes);
    if (!decoded.ok) {
      if (count) {
        metrics.badAlertRecords.inc();
        logger.warn({ offset: message.offset, reason: decoded.reason }, 'bad alert record skipped');
      }
      return null;
    }
    // Each change of an episode is delivered once: a republished revision is the duplicate, not a newer one.
    if (window.seen(`${decoded.entry.id}@${decoded.entry.revision}`, decoded.entry.offset)) {
      if (count) {
        metrics.duplicateAlerts.inc();
        logger.debug({ offset: message.offset, alertId: decoded.entry.id }, 'duplicate alert skipped');
      }
      return null;
    }
    return decoded.entry;
  };

  /** Runs ingest work strictly one after another; a failure reaches its caller and the chain goes on. */
  const serial = (work: () => Promise<void>): Promise<void> => {
    const run = chain.then(work);
    chain = run.catch(() => undefined); // not swallowed: `run` rejects for the caller, who logs or retries
    return run;
  };

  /**
   * Ring then sink, with no await in between: whatever the ring holds has been published. At most
   * `chunkBytes` (plus one frame) are fanned out between two turns of the event loop, across batches
   * too: the fan-out checks slow clients on the turn after each chunk's worth, so no client's buffer
   * grows by more than two chunks between checks.
   */
  const ingest = async (messages: BusMessage[], deliver: boolean, repairGaps: boolean): Promise<void> => {
    let chunk: RingEntry[] = [];
    const flush = () => {
      if (deliver) sink.deliver(chunk);
      chunk = [];
    };
    for (const message of messages) {
      const offset = Number(message.offset);
      if (offset < ring.head) continue; // seen already: a redelivery, or covered by the preload
      if (offset > ring.head && repairGaps) {
        flush();
        await repairGap(ring.head, offset);
        if (offset < ring.head) continue;
      }
      const entry = admit(message, dedupe, true);
      if (!entry) {
        ring.skip(offset);
        continue;
      }
      ring.push(entry);
      chunk.push(entry);
      bytesSinceYield += entry.frame.length;
      if (bytesSinceYield >= limits.chunkBytes) {
        flush();
        await yieldToLoop();
        bytesSinceYield = 0;
      }
    }
    flush();
  };

  /** Nothing of [from, to) will reach live subscribers: the ring starts again at `to`, and they must resume. */
  const lose = (from: number, to: number, err?: unknown): void => {
    metrics.feedGaps.inc({ outcome: 'lost' });
    logger.error({ err, from, to, offsets: to - from }, 'alerts gap lost; live subscribers must resume');
    // The ring can no longer claim to cover anything before `to`: resumes from there go to the bus.
    ring.reset(to);
    sink.lost({ from, to });
  };

  /** The live consumer jumped ahead of the ring's head: read what lies between from the bus. */
  const repairGap = async (from: number, to: number): Promise<void> => {
    logger.warn({ from, to }, 'alerts topic skipped ahead; reading the gap from the bus');
    let next = from;
    try {
      // Records retention has deleted cannot be read (as when the consumer fell behind retention and
      // reset to the end); live subscribers hear of that hole before any alert after it.
      const { low } = await bounds();
      if (low > next) {
        lose(next, Math.min(low, to));
        next = ring.head;
      }
      await readRange({
        bus,
        topic,
        groupPrefix: groupId,
        from: next,
        to,
        idleTimeoutMs: limits.replayIdleTimeoutMs,
        signal: stopping.signal,
        logger,
        onMessages: (messages) => ingest(messages, true, false),
      });
      if (to - 1 >= ring.head) ring.skip(to - 1); // offsets with no record (none came): nothing to keep
      if (next === from) metrics.feedGaps.inc({ outcome: 'repaired' });
    } catch (err) {
      // What the read delivered before failing is in the ring; the rest of the gap is lost.
      if (ring.head < to) lose(ring.head, to, err);
      else logger.warn({ err, from, to }, 'gap read failed after reading all of it');
    }
  };

  const preload = async (): Promise<void> => {
    const { low, high } = await bounds();
    const start = Math.max(low, high - limits.preloadAlerts);
    ring.reset(start);
    dedupe = createDedupeWindow(limits.dedupeWindow); // a retried start must not see its own earlier try
    if (start < high) {
      // Records before `start` are read only to learn their ids, so dedupe decides as on every gateway.
      const prime = Math.max(low, start - limits.dedupeWindow);
      await readRange({
        bus,
        topic,
        groupPrefix: groupId,
        from: prime,
        to: high,
        idleTimeoutMs: limits.replayIdleTimeoutMs,
        signal: stopping.signal,
        logger,
        onMessages: async (messages) => {
          const recent = messages.filter((m) => Number(m.offset) >= start);
          for (const m of messages) if (Number(m.offset) < start) admit(m, dedupe, true);
          await ingest(recent, false, false);
        },
      });
    }
    if (high > ring.head) ring.skip(high - 1);
    logger.info({ from: ring.from, head: ring.head, alerts: ring.size }, 'alert ring preloaded');
  };

  /** One try: join the live end, preload the ring. On failure nothing of it is left running. */
  const startOnce = async (): Promise<void> => {
    await bounds(); // fails fast on a missing topic or a wrong partition count
    pending = [];
    const live = bus.consumer({ groupId, topics: [topic], fromBeginning: false, autoCommit: false });
    try {
      // Until the preload is done, live batches wait in `pending`; the consumer's start position is
      // fixed before run() resolves, so it is at or before the high watermark the preload reads up to.
      await live.run(async (batch) => {
        if (state === 'starting') {
          pending.push(...batch.messages);
          return;
        }
        // A failure (a bug: records are never the cause) rejects the batch, so the bus delivers it again.
        await serial(() => ingest(batch.messages, true, true));
      });
      consumer = live;
      await preload();
    } catch (err) {
      consumer = undefined;
      await live
        .stop()
        .catch((e: unknown) => logger.warn({ err: e }, 'live consumer stop after a failed start'));
      throw err;
    }
  };

  return {
    async start() {
      if (state !== 'idle') throw new ValidationError('the alert feed starts once');
      state = 'starting';
      try {
        // Retriable bus errors only (a broker still loading its group coordinator, a connection refused).
        await retry(startOnce, {
          policy: { ...FEED_START, attempts: limits.startAttempts },
          signal: stopping.signal,
          onRetry: (err, attempt, delayMs) =>
            logger.warn({ err, attempt, delayMs }, 'alert feed start failed; retrying'),
        });
      } catch (err) {
        state = 'stopped';
        throw err;
      }
      state = 'live';
      const early = pending;
      pending = [];
      await serial(() => ingest(early, true, true));
      logger.info({ groupId, head: codec.encode(ring.head) }, 'alert feed live');
    },

    async stop() {
      if (state === 'stopped') return;
      state = 'stopped';
      stopping.abort();
      await consumer?.stop();
    },

    status: () => ({
      state,
      topic,
      headCursor: codec.encode(ring.head),
      ringAlerts: ring.size,
      ringBytes: ring.bytes,
    }),

    decodeCursor: (text) => codec.decode(text),
    headCursor: () => codec.encode(ring.head),
    window: () => ({ from: ring.from, head: ring.head }),
    entriesFrom: (offset) => ring.entriesFrom(offset),
    busBounds: bounds,

    replayRange(from, to, onEntries, signal) {
      return replaySlots.run(async () => {
        signal.throwIfAborted();
        const { low } = await bounds();
        if (from < low) throw new CursorExpiredError('the bus no longer retains alerts that old');
        const prime = Math.max(low, from - limits.dedupeWindow);
        const window = createDedupeWindow(limits.dedupeWindow);
        const { first } = await readRange({
          bus,
          topic,
          groupPrefix: groupId,
          from: prime,
          to,
          idleTimeoutMs: limits.replayIdleTimeoutMs,
          signal: AbortSignal.any([signal, stopping.signal]),
          logger,
          onMessages: async (messages) => {
            const entries: RingEntry[] = [];
            for (const m of messages) {
              const entry = admit(m, window, false);
              if (entry && entry.offset >= from) entries.push(entry);
            }
            if (entries.length > 0) await onEntries(entries);
          },
        });
        // Retention moved past `from` while the read was starting: what came is not everything.
        if (first > from && !signal.aborted) {
          const now = await bounds();
          if (now.low > from)
            throw new CursorExpiredError('the bus deleted the requested alerts during the replay');
        }
      });
    },
  };
}
