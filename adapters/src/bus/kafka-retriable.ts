// kafkajs is CommonJS and spreads its error classes into module.exports (see kafka-bus.ts).
import kafkajs from 'kafkajs';

const { KafkaJSAggregateError, KafkaJSError, KafkaJSNumberOfRetriesExceeded } = kafkajs;

/** A created topic that is not yet in metadata with a leader for every partition: it will be, shortly. */
export class TopicsNotReadyError extends Error {
  constructor(readonly topics: readonly string[]) {
    super(`topics without a leader for every partition yet: ${topics.join(', ')}`);
    this.name = 'TopicsNotReadyError';
  }
}

/** Another process created the topic between our list and our create: the next try skips it. */
const alreadyExists = (err: unknown): boolean =>
  err instanceof KafkaJSError && (err as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS';

/**
 * Whether trying the same admin request again may succeed: kafkajs's own `retriable` mark (set on
 * UNKNOWN_TOPIC_OR_PARTITION, LEADER_NOT_AVAILABLE, NOT_CONTROLLER, REQUEST_TIMED_OUT, a coordinator
 * still loading, connection and request-timeout errors), looked up through the wrappers kafkajs puts
 * around it. A broker refusal for good (invalid topic, not authorized, bad partition count) is not.
 */
export function isRetriableKafkaError(err: unknown): boolean {
  if (err instanceof TopicsNotReadyError) return true;
  // kafkajs gave up after its own few retries; whether the failure itself is transient is in the cause.
  if (err instanceof KafkaJSNumberOfRetriesExceeded) return isRetriableKafkaError(err.cause);
  if (err instanceof KafkaJSError) return err.retriable;
  // createTopics reports one error per topic together: retriable when every one of them is.
  if (err instanceof KafkaJSAggregateError)
    return err.errors.length > 0 && err.errors.every((e) => alreadyExists(e) || isRetriableKafkaError(e));
  return false;
}
