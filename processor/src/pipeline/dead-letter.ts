import type { BusMessage, OutgoingMessage } from '@vigil/core';

/** Headers a dead-lettered message carries; the value is the original bytes, untouched. */
export const DLQ_HEADERS = {
  reason: 'vigil-dlq-reason',
  topic: 'vigil-dlq-topic',
  partition: 'vigil-dlq-partition',
  offset: 'vigil-dlq-offset',
  failedAt: 'vigil-dlq-failed-at',
} as const;

/** The `events.dlq` record for a message that failed validation: original bytes and key, reason in headers. */
export function deadLetter(message: BusMessage, reason: string, now: number): OutgoingMessage {
  return {
    key: message.key,
    value: message.value,
    headers: {
      ...message.headers,
      [DLQ_HEADERS.reason]: reason,
      [DLQ_HEADERS.topic]: message.topic,
      [DLQ_HEADERS.partition]: String(message.partition),
      [DLQ_HEADERS.offset]: message.offset,
      [DLQ_HEADERS.failedAt]: new Date(now).toISOString(),
    },
  };
}
