import { ERROR_CODES, VigilError } from '@vigil/core';
import type { RingEntry } from '../feed/alert-ring.ts';
import type { DecodedCursor } from '../feed/cursor.ts';

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
