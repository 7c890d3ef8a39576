import type { BusMessage } from '@vigil/core';

/**
 * One partition of the memory bus: an append-only run of messages from `low` to `high`. The bus decides
 * what to drop (`trimTo`): the newest `retention` stay, and never a message a durable group has not
 * committed. Offsets are numbers here (a process cannot append 2^53 messages) and strings at the port.
 */
export interface PartitionLog {
  /** Offset of the oldest retained message. */
  readonly low: number;
  /** Offset the next message will get. */
  readonly high: number;
  append(message: Omit<BusMessage, 'offset'>): void;
  /** Up to `max` messages from `from` (which must lie in [low, high]). */
  read(from: number, max: number): BusMessage[];
  /** Drops every message below `offset` (clamped to [low, high]). */
  trimTo(offset: number): void;
}

/** Compacting when the dropped prefix passes this many slots keeps trimming O(1) amortised. */
const COMPACT_AFTER = 4_096;
/** Most messages carry no headers: one shared frozen object instead of one each. */
const NO_HEADERS: Record<string, string> = Object.freeze({});

/** A partition whose first message will have offset `base` (a replayed log continues where it was). */
export function createPartitionLog(base = 0): PartitionLog {
  let items: (BusMessage | undefined)[] = [];
  let head = 0;
  let low = base;
  let high = base;

  return {
    get low() {
      return low;
    },
    get high() {
      return high;
    },
    append(message) {
      const headers =
        Object.keys(message.headers).length === 0 ? NO_HEADERS : Object.freeze({ ...message.headers });
      items.push(Object.freeze({ ...message, headers, offset: String(high) }));
      high += 1;
    },
    read(from, max) {
      const start = head + (from - low);
      const end = head + (Math.min(high, from + max) - low);
      return items.slice(start, end) as BusMessage[];
    },
    trimTo(offset) {
      const target = Math.min(high, offset);
      while (low < target) {
        items[head] = undefined;
        head += 1;
        low += 1;
      }
      if (head >= COMPACT_AFTER && head * 2 >= items.length) {
        items = items.slice(head);
        head = 0;
      }
    },
  };
}
