/**
 * Header HTTP ingest puts on each event it publishes: when the gateway accepted it, epoch ms as text.
 * The processor reads it for the ingest-to-alert latency; without it, the bus timestamp stands in.
 */
export const INGESTED_AT_HEADER = 'ingested-at';

/** Headers a dead-lettered message carries on `events.dlq`; its value is the original bytes, untouched. */
export const DLQ_HEADERS = {
  /** Why it was refused: the validation problem, or the store's refusal with its SQLSTATE. */
  reason: 'vigil-dlq-reason',
  /** Topic, partition and offset it was read from. */
  topic: 'vigil-dlq-topic',
  partition: 'vigil-dlq-partition',
  offset: 'vigil-dlq-offset',
  /** When the processor refused it, ISO 8601. */
  failedAt: 'vigil-dlq-failed-at',
} as const;
