import type { Evidence, Source } from '@vigil/core';

/** A bus position, as core's Evidence records it. */
export type EventRef = Evidence['refs'][number];

/** One raw event behind an alert, with where it was on the bus and where it is in the archive. */
export interface EvidenceEvent {
  source: Source;
  topic: string;
  partition: number;
  /** Null only when the object has gaps and the alert's evidence does not pair this event's id with a ref. */
  offset: string | null;
  /** The archive object it was read from; null when it came from the event store (not archived yet). */
  archiveKey: string | null;
  /** The event exactly as it was published (every field, unknown ones included). */
  event: Record<string, unknown>;
}

export type UnreadableReason = 'missing' | 'too_large' | 'corrupt';

/** The answer of `GET /api/alerts/{id}/events`. */
export interface AlertEvents {
  /** In the order of the alert's evidence (bus order within a partition). */
  items: EvidenceEvent[];
  /** Refs no archive object holds yet: still in the processor's archiver buffer (or lost). Ask again. */
  pending: EventRef[];
  /** Objects named by the evidence that could not be read, and why. */
  unreadable: { key: string; reason: UnreadableReason }[];
  /** The evidence names more objects or events than one answer reads (see evidence-limits.ts). */
  truncated: boolean;
}
