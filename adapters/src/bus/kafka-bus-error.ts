import { ERROR_CODES, UnavailableError, VigilError } from '@vigil/core';
// kafkajs is CommonJS and spreads its error classes into module.exports (see kafka-bus.ts).
import kafkajs from 'kafkajs';

const { KafkaJSError } = kafkajs;

/** kafkajs failures are outages or broker refusals: retriable, with the kafkajs error as the cause. */
export function toBusError(err: unknown, message: string, details?: Record<string, unknown>): unknown {
  // The broker refusing a request for good (message too large, not authorized) is no outage: retrying
  // the same request cannot help. Everything else from kafkajs (connections, timeouts, retries exhausted
  // while a broker is down) is.
  if (err instanceof KafkaJSError && err.name === 'KafkaJSProtocolError' && !err.retriable)
    return new VigilError(ERROR_CODES.internal, `${message}: ${err.message}`, { cause: err, details });
  if (err instanceof KafkaJSError)
    return new UnavailableError(`${message}: ${err.message}`, { cause: err, details });
  return err;
}
