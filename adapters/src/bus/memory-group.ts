/** A partition of a topic, as the memory bus tracks ownership and offsets. */
export interface TopicPartition {
  topic: string;
  partition: number;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}:${partition}`;

/** What a group needs from each of its members. */
export interface GroupMember {
  readonly topics: readonly string[];
  /** Hands the member its partitions after a rebalance. */
  assign(partitions: TopicPartition[]): void;
  wake(): void;
}

/**
 * A consumer group of the memory bus. It outlives its members, like a Kafka group: committed offsets
 * stay when everyone has left, so a restarted consumer resumes where the last one committed.
 */
export interface MemoryGroup {
  readonly id: string;
  /** Next offset to read, per partition key. Change it through `commit`. */
  readonly committed: ReadonlyMap<string, number>;
  /**
   * Partitions with a batch in flight. A member that gains a partition in a rebalance waits until
   * the previous owner has finished and committed, so a rebalance by itself redelivers nothing.
   */
  readonly busy: Set<string>;
  commit(key: string, offset: number): void;
  join(member: GroupMember): void;
  leave(member: GroupMember): void;
  wakeAll(): void;
}

export interface MemoryGroupOptions {
  id: string;
  partitionCount: (topic: string) => number;
  /** Offsets restored from the durable log. */
  committed?: Iterable<[string, number]>;
  /** Told of every commit (the durable log saves the group's offsets). */
  onCommit?: () => void;
}

export function createMemoryGroup(options: MemoryGroupOptions): MemoryGroup {
  const { id, partitionCount } = options;
  const members: GroupMember[] = [];
  const committed = new Map<string, number>(options.committed ?? []);

  // Round-robin over every subscribed partition in a stable order (like kafkajs's default assigner),
  // each partition going to the next member that subscribes to its topic.
  const rebalance = () => {
    const assignments = new Map<GroupMember, TopicPartition[]>(members.map((m) => [m, []]));
    const topics = [...new Set(members.flatMap((m) => m.topics))].sort();
    let turn = 0;
    for (const topic of topics) {
      const eligible = members.filter((m) => m.topics.includes(topic));
      for (let partition = 0; partition < partitionCount(topic); partition += 1) {
        assignments.get(eligible[turn % eligible.length]!)!.push({ topic, partition });
        turn += 1;
      }
    }
    for (const [member, partitions] of assignments) member.assign(partitions);
  };

  const group: MemoryGroup = {
    id,
    committed,
    busy: new Set(),
    commit(key, offset) {
      if (committed.get(key) === offset) return;
      committed.set(key, offset);
      options.onCommit?.();
    },
    join(member) {
      members.push(member);
      rebalance();
    },
    leave(member) {
      const index = members.indexOf(member);
      if (index < 0) return;
      members.splice(index, 1);
      rebalance();
    },
    wakeAll() {
      for (const member of members) member.wake();
    },
  };
  return group;
}
