import { type OutgoingMessage, partitionKey, type Source, type SourcedEvent } from '@vigil/core';

/**
 * The partition key of each source: the field the source's windowed rules group by, so that every event a
 * window needs lands in one partition and so on one processor instance, in order.
 *
 * - logs → `service`: `logs.error-spike` and `logs.volume-anomaly` count per service. `logs.user-error-spike`
 *   counts per userId, which this key does not colocate: a user's errors in two services can be split
 *   across instances. Service is the better trade: the per-service rule is the high-severity one, and the
 *   scenarios that target users keep all their errors in one service.
 * - metrics → `host`: `metrics.cpu-sustained` needs every sample of a host, in order.
 * - transactions → `userId`: `transactions.user-frequency` counts per user.
 * - security → `ip`: `security.login-failures` counts per userId OR per ip; one key cannot colocate both.
 *   `ip` is always present (userId is optional), and a single source address hammering logins or
 *   stuffing credentials across accounts is the common attack. A distributed attack on one account
 *   (many ips) is then counted exactly only when one processor instance holds all security partitions.
 */
export const PARTITION_KEY_FIELD: Readonly<Record<Source, string>> = {
  logs: 'service',
  metrics: 'host',
  transactions: 'userId',
  security: 'ip',
};

export function messageKey(item: SourcedEvent): string {
  return partitionKey(item.source, item.event);
}

/** The bus message for an event; the bus sets the timestamp (event times can be far in the past in fast runs). */
export const toMessage = (item: SourcedEvent): OutgoingMessage => ({
  key: messageKey(item),
  value: JSON.stringify(item.event),
});

/** Groups events into per-topic message batches, keeping their order within each topic. */
export function batchByTopic(
  items: readonly SourcedEvent[],
  topicOf: (source: Source) => string,
): Map<string, OutgoingMessage[]> {
  const batches = new Map<string, OutgoingMessage[]>();
  for (const item of items) {
    const topic = topicOf(item.source);
    const batch = batches.get(topic);
    if (batch) batch.push(toMessage(item));
    else batches.set(topic, [toMessage(item)]);
  }
  return batches;
}
