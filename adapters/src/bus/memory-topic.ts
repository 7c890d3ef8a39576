import { partitionForKey } from './key-partition.ts';
import { createPartitionLog, type PartitionLog } from './partition-log.ts';

/** A memory-bus topic: its partitions and the consumers to wake when something is appended. */
export interface MemoryTopic {
  readonly name: string;
  readonly logs: readonly PartitionLog[];
  /** Wake-up callbacks of the consumers subscribed to this topic. */
  readonly listeners: Set<() => void>;
  /**
   * Per partition, the offset the next published message gets. Ahead of `logs[p].high` while a durable
   * write is under way: a message becomes visible to consumers only once it is on disk.
   */
  readonly reserved: number[];
  /** The partition a message with this key goes to; null keys go round-robin. */
  route(key: string | null): number;
}

/** A topic whose partitions start at `bases` (replayed from disk) or at 0. */
export function createMemoryTopic(name: string, partitions: number, bases?: readonly number[]): MemoryTopic {
  const logs = Array.from({ length: partitions }, (_, p) => createPartitionLog(bases?.[p] ?? 0));
  let roundRobin = 0;

  return {
    name,
    logs,
    listeners: new Set(),
    reserved: logs.map((log) => log.high),
    route(key) {
      if (key !== null) return partitionForKey(key, partitions);
      const partition = roundRobin % partitions;
      roundRobin = (roundRobin + 1) % partitions;
      return partition;
    },
  };
}
