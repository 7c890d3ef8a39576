import { isRetriable, type OutgoingMessage, UnavailableError } from '@vigil/core';
import type { EventPublisher } from './http-ports.ts';

/**
 * Publishes for a request: an outage becomes UnavailableError (a 503, the client's cue to retry); any other
 * failure (a missing topic) is ours, a 500.
 */
export async function publishForRequest(
  bus: EventPublisher,
  topic: string,
  messages: OutgoingMessage[],
): Promise<void> {
  try {
    await bus.publish(topic, messages);
  } catch (err) {
    if (isRetriable(err)) throw new UnavailableError('event bus unavailable', { cause: err });
    throw new Error(`publishing to ${topic} failed`, { cause: err });
  }
}
