import { ERROR_CODES, type FilterKeys, VigilError, type WS_ERROR_CODES } from '@vigil/core';
import type { Counter, Gauge, Histogram } from 'prom-client';

// The contracts the live side's parts share: the feed (feed/) implements AlertHistory and delivers to an
// AlertSink, the fan-out (fanout/) implements AlertSink and reads AlertHistory. Both import this file and
// neither imports the other, so each folder can be read and tested alone.

/** Where the alert stream stands: the ring covers offsets [from, head). */
export interface HistoryWindow {
  from: number;
  head: number;
}

/** A replay asked for offsets the bus no longer retains: `not_found`, and no retry brings them back. */
export class CursorExpiredError extends VigilError {
  constructor(message: string) {
    super(ERROR_CODES.notFound, message);
    this.name = 'CursorExpiredError';
  }
}

/** What the fan-out needs from the alert feed to serve `since` (the feed implements it). */
export interface AlertHistory {
  decodeCursor(text: string): DecodedCursor;
  /** The cursor meaning "everything after what this gateway has seen". */
  headCursor(): string;
  window(): HistoryWindow;
  /** Ring entries with offset ≥ `offset`, oldest first; read synchronously (the ring moves between ticks). */
  entriesFrom(offset: number): Iterable<RingEntry>;
  /** Low (oldest retained) and high (next) offsets of the alerts topic on the bus. */
  busBounds(): Promise<{ low: number; high: number }>;
  /**
   * Reads the alerts at offsets [from, to) from the bus, deduplicated exactly as the live feed does, in
   * order; each batch waits for `onEntries`. Rejects with CursorExpiredError when the range is gone.
   */
  replayRange(
    from: number,
    to: number,
    onEntries: (entries: RingEntry[]) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void>;
}

/** One alert as the gateway keeps and sends it. */
export interface RingEntry {
  /** Offset of the record in the alerts topic. */
  readonly offset: number;
  readonly id: string;
  /** The episode's revision (1 for records from before episodes): dedupe compares id and revision. */
  readonly revision: number;
  /** `alert` for a new episode (revision 1), `update` for a change to an existing one. */
  readonly op: 'alert' | 'update';
  /** The fields a filter matches on, kept apart from the frame so the parsed alert can be dropped. */
  readonly keys: FilterKeys;
  /** The `{"op":"alert"|"update",...}` frame, serialized once and shared by every group and every replay. */
  readonly frame: string;
  /** Epoch ms the processor published the alert (for the delivery-latency histogram). */
  readonly publishedAt: number;
}

/** 36^13 > 2^63: room for any Kafka offset, although JS numbers (2^53) are used to hold them. */
export const POSITION_WIDTH = 13;
/** Longest text accepted as a cursor; anything longer is not one of ours. */
export const MAX_CURSOR_LENGTH = 64 + 1 + POSITION_WIDTH;

export type DecodedCursor =
  | { ok: true; next: number }
  | {
      ok: false;
      code: typeof WS_ERROR_CODES.badRequest | typeof WS_ERROR_CODES.cursorExpired;
      message: string;
    };

/** Offsets [from, to) of the alerts topic that the feed could not read: whatever alerts they held were never delivered. */
export interface LostRange {
  from: number;
  to: number;
}

/** Where new alerts go (the fan-out). */
export interface AlertSink {
  /** New alerts in offset order. Called with an empty list too, when only the head moved. */
  deliver(entries: readonly RingEntry[]): void;
  /**
   * Live subscribers may have missed alerts in `range`: called before anything after it is delivered,
   * so each one's last cursor is still before the hole and a resume from it reads the hole from the bus.
   */
  lost(range: LostRange): void;
}

/** Counters of the live side (transport, fan-out, feed); all on the registry main exposes at /metrics. */
export interface LiveMetrics {
  connections: Gauge;
  /** Connections with an active subscription (live or still replaying). */
  subscriptions: Gauge;
  /** Distinct canonical filters = uWS topics in use. */
  filterGroups: Gauge;
  framesSent: Counter<'op'>;
  alertsFannedOut: Counter;
  errors: Counter<'code'>;
  slowClientsDropped: Counter<'reason'>;
  badAlertRecords: Counter;
  duplicateAlerts: Counter;
  /** Gaps the live consumer skipped, by whether the feed could read them from the bus (`repaired`) or not (`lost`). */
  feedGaps: Counter<'outcome'>;
  /** Live subscribers closed with 4010 (resumeRequired) after a lost gap. */
  resumeRequired: Counter;
  replays: Counter<'source'>;
  deliveryLatency: Histogram;
}
