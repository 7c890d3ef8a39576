/**
 * The message bus port. Two implementations pass one contract suite (adapters/src/bus/bus-contract.ts):
 * Kafka through kafkajs, and an in-process bus for embedded mode with the same delivery semantics.
 *
 * Semantics both keep:
 * - A topic has a fixed number of partitions; a message goes to the partition its key hashes to,
 *   so messages with one key stay in order. A null key spreads messages round-robin.
 * - Consumers that share a `groupId` split a topic's partitions between them; each group sees every message.
 * - Offsets are per partition, increasing, as decimal strings (Kafka's int64 does not fit a JS number).
 * - Delivery is at least once: a batch's offsets are committed only after its handler resolves.
 *   If the handler throws, nothing past the last commit is committed and the batch is delivered again.
 */

export interface OutgoingMessage {
  key: string | null;
  value: Uint8Array | string;
  headers?: Record<string, string>;
  /** Epoch milliseconds; defaults to the time of publishing. */
  timestamp?: number;
  /**
   * The partition to write to, instead of the one the key hashes to (0 ≤ partition < the topic's count).
   * For a producer that routes by a hash of its own: the processor packs many repartition copies bound
   * for one partition into one message.
   */
  partition?: number;
}

export interface BusMessage {
  topic: string;
  partition: number;
  /** Decimal string, increasing within a partition. */
  offset: string;
  key: string | null;
  value: Uint8Array;
  headers: Record<string, string>;
  /** Epoch milliseconds the bus recorded for the message. */
  timestamp: number;
}

export interface MessageBatch {
  topic: string;
  partition: number;
  messages: BusMessage[];
}

export interface TopicSpec {
  topic: string;
  partitions: number;
}

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts: the oldest message (true) or only new ones (false, default). */
  fromBeginning?: boolean;
  /**
   * true (default): a batch is committed when its handler resolves.
   * false: nothing is committed until `commit()` is called, so a consumer can commit later than it handles
   * (the processor commits only once a batch's events are archived). Redelivery after a handler error, a
   * rebalance or a restart starts at the last committed offset either way.
   */
  autoCommit?: boolean;
}

export interface OffsetCommit {
  topic: string;
  partition: number;
  /** The next offset to read (last handled + 1), as Kafka defines a committed offset. */
  offset: string;
}

/** Handles one batch from one partition; resolving commits the batch, throwing redelivers it. */
export type BatchHandler = (batch: MessageBatch) => Promise<void>;

export interface BusConsumer {
  /** Joins the group and delivers batches until `stop()`. Resolves once consuming has started. */
  run(handler: BatchHandler): Promise<void>;
  /** Moves this consumer's position in one partition; the next batch starts at `offset`. */
  seek(topic: string, partition: number, offset: string): void;
  /**
   * Commits offsets explicitly (needed with `autoCommit: false`). Offsets of partitions this member no
   * longer owns after a rebalance are ignored or rejected, never applied to the new owner's position.
   */
  commit(offsets: OffsetCommit[]): Promise<void>;
  /** Finishes the batch in flight, commits it, leaves the group. */
  stop(): Promise<void>;
}

export interface PartitionOffsets {
  partition: number;
  /** Offset of the oldest retained message. */
  low: string;
  /** Offset the next message will get (the high watermark). */
  high: string;
}

export interface Bus {
  /** Connects and creates missing topics; existing topics are left as they are. */
  start(topics: TopicSpec[]): Promise<void>;
  /** Publishes messages; resolves once the bus has durably accepted all of them. */
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
  consumer(options: ConsumerOptions): BusConsumer;
  /** Low and high offsets of each partition of a topic. */
  topicOffsets(topic: string): Promise<PartitionOffsets[]>;
  /** Offsets a group has committed for a topic (the next offset it will read), per partition. */
  committedOffsets(groupId: string, topic: string): Promise<{ partition: number; offset: string | null }[]>;
  /** Stops every consumer it created and disconnects. */
  stop(): Promise<void>;
}
