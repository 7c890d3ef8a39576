import { type BusMessage, DLQ_HEADERS, type OutgoingMessage } from '@vigil/core';
import type { Logger } from 'pino';
import type { RaisedAlert } from './alert-output.ts';
import { describeRefusal } from './input-refusal.ts';

/** The `events.dlq` record for a message that failed validation (or that poisons a store): original bytes and key, reason in headers. */
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

/**
 * The `events.dlq` records for events whose alert the store refused for its data (a value validation let
 * through but the database will not hold): one per event, however many of its alerts were refused.
 */
export function deadLetterRefused(
  refused: readonly { item: RaisedAlert; error: unknown }[],
  now: number,
  logger: Logger,
): OutgoingMessage[] {
  const records: OutgoingMessage[] = [];
  const seen = new Set<string>();
  for (const { item, error } of refused) {
    const { alert, message } = item;
    if (message === null) continue; // raised by no event (idle-alerts.ts logs those)
    const reason = `store refused the alert ${alert.ruleId}: ${describeRefusal(error)}`;
    const { topic, partition, offset } = message;
    logger.warn(
      { alertId: alert.id, ruleId: alert.ruleId, topic, partition, offset, reason },
      'store refused an alert, dead-lettering its event',
    );
    if (seen.has(offset)) continue;
    seen.add(offset);
    records.push(deadLetter(message, reason, now));
  }
  return records;
}
