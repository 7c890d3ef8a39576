import type { BusMessage } from '@vigil/core';

/**
 * Counts each message of a partition once per process: a rebalance, a resync or a replay after a takeover
 * hands back offsets already seen, and counting those again would make `events_total` show progress that
 * is not there. Offsets only grow within a partition, so the highest one counted is the whole memory.
 */
export function createFirstDeliveries() {
  const countedThrough = new Map<string, number>();
  return {
    /** How many of a batch's messages (offsets increasing) this process has not counted before. */
    count(topic: string, partition: number, messages: readonly BusMessage[]): number {
      const id = `${topic}:${partition}`;
      const through = countedThrough.get(id) ?? -1;
      let fresh = 0;
      for (let i = messages.length - 1; i >= 0 && Number(messages[i]!.offset) > through; i--) fresh++;
      const last = messages.at(-1);
      if (last && Number(last.offset) > through) countedThrough.set(id, Number(last.offset));
      return fresh;
    },
  };
}
