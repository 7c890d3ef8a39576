import type { OutgoingMessage } from '@vigil/core';
import { partitionForKey } from './key-partition.ts';
import { createPartitionLog, type PartitionLog } from './partition-log.ts';

/** A memory-bus topic: its partitions and the consumers to wake when something is appended. */
export interface MemoryTopic {
  readonly name: string;
  readonly logs: readonly PartitionLog[];
  /** Wake-up callbacks of the consumers subscribed to this topic. */
  readonly listeners: Set<() => void>;
  append(message: OutgoingMessage, timestamp: number): void;
}

export function createMemoryTopic(name: string, partitions: number, retention: number): MemoryTopic {
  const logs = Array.from({ length: partitions }, () => createPartitionLog(retention));
  let roundRobin = 0;

  return {
    name,
    logs,
    listeners: new Set(),
    append(message, timestamp) {
      let partition: number;
      if (message.key === null) {
        partition = roundRobin % partitions;
        roundRobin = (roundRobin + 1) % partitions;
      } else {
        partition = partitionForKey(message.key, partitions);
      }
      const value =
        typeof message.value === 'string' ? Buffer.from(message.value, 'utf8') : Buffer.from(message.value);
      logs[partition]!.append({
        topic: name,
        partition,
        key: message.key,
        value,
        headers: message.headers ?? {},
        timestamp: message.timestamp ?? timestamp,
      });
    },
  };
}
