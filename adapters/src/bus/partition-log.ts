import type { BusMessage } from '@vigil/core';

/**
 * One partition of the memory bus: an append-only run of messages keeping only the newest `retention`,
 * so embedded mode can run for days in bounded memory. Offsets are numbers here (a process cannot
 * append 2^53 messages) and strings at the port.
 */
export interface PartitionLog {
  /** Offset of the oldest retained message. */
  readonly low: number;
  /** Offset the next message will get. */
  readonly high: number;
  append(message: Omit<BusMessage, 'offset'>): void;
  /** Up to `max` messages from `from` (which must lie in [low, high]). */
  read(from: number, max: number): BusMessage[];
}

/** Compacting when the dropped prefix passes this many slots keeps trimming O(1) amortised. */
const COMPACT_AFTER = 4_096;
/** Most messages carry no headers: one shared frozen object instead of one each. */
const NO_HEADERS: Record<string, string> = Object.freeze({});

export function createPartitionLog(retention: number): PartitionLog {
  let items: (BusMessage | undefined)[] = [];
  let head = 0;
  let low = 0;
  let high = 0;

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
      if (high - low > retention) {
        items[head] = undefined;
        head += 1;
        low += 1;
        if (head >= COMPACT_AFTER && head * 2 >= items.length) {
          items = items.slice(head);
          head = 0;
        }
      }
    },
    read(from, max) {
      const start = head + (from - low);
      const end = head + (Math.min(high, from + max) - low);
      return items.slice(start, end) as BusMessage[];
    },
  };
}
