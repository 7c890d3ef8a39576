import { ERROR_CODES, type OutgoingMessage, ValidationError, VigilError } from '@vigil/core';

/** Both buses refuse a topic nobody created (Kafka with auto-create off behaves the same). */
export function unknownTopicError(topic: string): VigilError {
  return new VigilError(ERROR_CODES.notFound, `topic "${topic}" does not exist; create it with bus.start()`, {
    details: { topic },
  });
}

/** Offsets cross the port as decimal strings; anything else is a caller bug. */
export function checkOffset(offset: string): string {
  if (!/^\d{1,19}$/.test(offset))
    throw new ValidationError(`offset must be a decimal string, got "${offset}"`);
  return offset;
}

/** Rejects what the port's types forbid but plain JavaScript callers can still pass. */
export function checkOutgoing(topic: string, messages: readonly OutgoingMessage[]): void {
  messages.forEach((message, index) => {
    const { key, value, headers, timestamp, partition } = message;
    const bad =
      (key !== null && typeof key !== 'string') ||
      (typeof value !== 'string' && !(value instanceof Uint8Array)) ||
      (headers !== undefined && Object.values(headers).some((v) => typeof v !== 'string')) ||
      (timestamp !== undefined && !Number.isFinite(timestamp)) ||
      (partition !== undefined && !(Number.isInteger(partition) && partition >= 0));
    if (bad)
      throw new ValidationError(`message ${index} for topic "${topic}" breaks the bus message contract`);
  });
}
