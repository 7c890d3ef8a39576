/**
 * Publishes stage one's repartition copies off the batch's path. Awaiting each batch's publish held every
 * event partition's next batch for a Kafka round trip (kafkajs hands a consumer's partitions to the handler
 * one after another), which added tens of milliseconds to every alert, per-event ones too. Instead each event
 * partition's publishes are chained, so its copies still reach the bus in order, and the partition's offsets
 * are committed only below the oldest batch whose copies are not on the bus yet (`oldestPending`), as the
 * archive does for its objects: a crash before the publish replays those events, and stage two skips the
 * copies it already has by origin offset.
 */
export interface CopyPublisherOptions {
  /** A failed publish (after the processor's retries): the processor cannot go on without losing copies. */
  onError: (err: unknown) => void;
  /** Unpublished batches per partition before `enqueue` makes its caller wait (bounds memory). */
  maxPendingBatches?: number;
}

interface Chain {
  tail: Promise<void>;
  /** First offsets of the batches whose copies are not published yet, oldest first. */
  pending: number[];
}

export function createCopyPublisher(options: CopyPublisherOptions) {
  const maxPending = options.maxPendingBatches ?? 16;
  const chains = new Map<string, Chain>();

  return {
    /**
     * Queues a batch's publish behind the partition's earlier ones. Resolves at once, or once the oldest
     * queued publish is done when `maxPendingBatches` are already waiting.
     */
    async enqueue(partition: string, firstOffset: number, publish: () => Promise<void>): Promise<void> {
      let chain = chains.get(partition);
      if (!chain) {
        chain = { tail: Promise.resolve(), pending: [] };
        chains.set(partition, chain);
      }
      const own = chain;
      own.pending.push(firstOffset);
      // After a failed link the chain stays rejected: nothing queued later may go out (its copies would
      // overtake the lost ones), and the failure is reported once, by the link that failed.
      own.tail = own.tail.then(async () => {
        try {
          await publish();
        } catch (err) {
          options.onError(err);
          throw err;
        }
        own.pending.shift();
      });
      own.tail.catch(() => undefined); // reported through onError; settled() awaits the chain
      if (own.pending.length > maxPending) await own.tail.catch(() => undefined);
    },

    /** The first offset of the partition's oldest batch whose copies are not on the bus, or null. */
    oldestPending(partition: string): number | null {
      return chains.get(partition)?.pending[0] ?? null;
    },

    /** Resolves once every publish queued so far is done (failures are reported through onError). */
    async settled(): Promise<void> {
      await Promise.all([...chains.values()].map((c) => c.tail.catch(() => undefined)));
    },
  };
}
