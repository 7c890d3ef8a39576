import { randomUUID } from 'node:crypto';
import type { BatchHandler, BusMessage, MessageBatch } from '@vigil/core';

/** Topic and group names with a random suffix, so tests share one broker without seeing each other. */
export const uniqueName = (kind: string): string => `contract-${kind}-${randomUUID().slice(0, 8)}`;

export const text = (value: Uint8Array): string => Buffer.from(value).toString('utf8');

/** Polls `predicate` until it holds; fails with `what` after `timeoutMs`. Never a fixed sleep. */
export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A handler that records every batch it is given. */
export interface Recorder {
  handler: BatchHandler;
  batches: MessageBatch[];
  messages(): BusMessage[];
  values(): string[];
}

export function recorder(before?: (batch: MessageBatch) => Promise<void> | void): Recorder {
  const batches: MessageBatch[] = [];
  const messages = () => batches.flatMap((batch) => batch.messages);
  return {
    batches,
    messages,
    values: () => messages().map((message) => text(message.value)),
    handler: async (batch) => {
      await before?.(batch);
      batches.push(batch);
    },
  };
}

/** A promise with its resolve function, for gates and one-shot signals in tests. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Sorted copy, for comparing multisets of values whatever their delivery order across partitions. */
export const sorted = (values: string[]): string[] => [...values].sort();
