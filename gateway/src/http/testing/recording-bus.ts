import type { OutgoingMessage } from '@vigil/core';
import type { EventPublisher } from '../http-ports.ts';

export interface RecordingBus extends EventPublisher {
  calls: { topic: string; messages: OutgoingMessage[] }[];
  /** Makes the next publish calls reject with this error (null: succeed again). */
  failWith(error: Error | null): void;
}

/** A bus that records what was published: for unit tests of ingest. */
export function createRecordingBus(): RecordingBus {
  const calls: RecordingBus['calls'] = [];
  let failure: Error | null = null;
  return {
    calls,
    failWith(error) {
      failure = error;
    },
    async publish(topic, messages) {
      if (failure) throw failure;
      calls.push({ topic, messages: [...messages] });
    },
  };
}
