import type { OutgoingMessage } from '@vigil/core';

/** What the simulator needs from a bus: core's `Bus` satisfies it, and so does the NDJSON writer. */
export interface Publisher {
  publish(topic: string, messages: OutgoingMessage[]): Promise<void>;
}
