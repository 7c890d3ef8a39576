import { randomUUID } from 'node:crypto';
import { type Bus, type BusMessage, TimeoutError } from '@vigil/core';
import type { Logger } from 'pino';

export interface ReadRangeOptions {
  bus: Bus;
  topic: string;
  /** Prefix of the throw-away consumer group; a random suffix keeps each read on its own. */
  groupPrefix: string;
  /** First offset wanted. */
  from: number;
  /** One past the last offset wanted; every offset below it exists or existed (it is ≤ the high watermark). */
  to: number;
  /** Gets the wanted records in order, each once; the next batch waits for it (backpressure). */
  onMessages: (messages: BusMessage[]) => Promise<void>;
  /** Stops the read early (the client left). */
  signal?: AbortSignal;
  /** Fails the read when no batch arrives for this long. */
  idleTimeoutMs: number;
  logger: Logger;
}

/**
 * Reads offsets [from, to) of the single-partition alerts topic with a short-lived consumer: a fresh
 * group (so no committed offset interferes), started at the oldest message, then moved to `from` with
 * seek. Batches fetched before the seek took effect, or delivered again after it, are filtered by
 * offset, so the caller sees each record once and in order. The group commits nothing (autoCommit
 * off), so the broker forgets it once the consumer leaves. Resolves with the first offset seen (above
 * `from` when the oldest records were deleted meanwhile), or `to` when nothing was left to read.
 */
export async function readRange(options: ReadRangeOptions): Promise<{ first: number }> {
  const { bus, topic, from, to, signal, logger } = options;
  if (from >= to) return { first: to };
  const groupId = `${options.groupPrefix}-range-${randomUUID().slice(0, 12)}`;
  const consumer = bus.consumer({ groupId, topics: [topic], fromBeginning: true, autoCommit: false });
  let next = from;
  let first: number | undefined;
  let finished = false;
  let settle!: (error?: unknown) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => {
      if (finished) return;
      finished = true;
      if (error === undefined) resolve();
      else reject(error);
    };
  });
  let idle: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(idle);
    idle = setTimeout(
      () =>
        settle(new TimeoutError(`no alerts from ${topic} for ${options.idleTimeoutMs} ms while replaying`)),
      options.idleTimeoutMs,
    );
  };
  const onAbort = () => settle();
  signal?.addEventListener('abort', onAbort, { once: true });

  try {
    armIdle();
    await consumer.run(async (batch) => {
      if (finished) return;
      const wanted = batch.messages.filter((m) => {
        const offset = Number(m.offset);
        return offset >= next && offset < to;
      });
      const last = batch.messages.at(-1);
      if (wanted.length > 0) {
        first ??= Number(wanted[0]!.offset);
        next = Number(wanted.at(-1)!.offset) + 1;
        clearTimeout(idle); // the caller's own pace (a slow client) is not the bus being idle
        try {
          await options.onMessages(wanted);
        } catch (err) {
          settle(err);
          return;
        }
        armIdle();
      }
      // Past the range: done, even if offsets below `to` never came (they were deleted or never existed).
      if (next >= to || (last !== undefined && Number(last.offset) >= to - 1)) settle();
    });
    if (!finished) consumer.seek(topic, 0, String(from));
    await done;
    return { first: first ?? to };
  } finally {
    clearTimeout(idle);
    signal?.removeEventListener('abort', onAbort);
    // Not awaited inside the handler (stop waits for the batch in flight): here the handler has returned.
    await consumer
      .stop()
      .catch((err: unknown) => logger.warn({ err, groupId }, 'range consumer stop failed'));
  }
}
