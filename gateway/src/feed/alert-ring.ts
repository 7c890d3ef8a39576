import type { RingEntry } from '../live/live-types.ts';

export interface AlertRingLimits {
  /** Newest alerts kept for resume. */
  maxAlerts: number;
  /** Upper bound on the frames' total size (UTF-16 code units ≈ bytes for ASCII JSON). */
  maxBytes: number;
}

/**
 * The recent-history ring: the newest alerts in offset order, bounded by count and by frame bytes.
 * It covers the offsets [from, head): every alert the topic holds in that range is in the ring
 * (records that are not alerts, or duplicates, are skipped but still advance `head`), which is what
 * lets a resume from a cursor inside the window be served from memory alone.
 */
export interface AlertRing {
  /** Lowest offset the ring covers completely. */
  readonly from: number;
  /** Next offset expected (one past the newest record seen). */
  readonly head: number;
  readonly size: number;
  readonly bytes: number;
  /** Drops everything; the ring then covers nothing before `offset`. */
  reset(offset: number): void;
  /** Appends an alert at or after `head`. */
  push(entry: RingEntry): void;
  /** Moves `head` past a record that is not kept (bad or duplicate). */
  skip(offset: number): void;
  /** The entries with offset ≥ `offset`, oldest first (a snapshot index: read it before yielding). */
  entriesFrom(offset: number): Generator<RingEntry>;
}

export function createAlertRing(limits: AlertRingLimits): AlertRing {
  const { maxAlerts, maxBytes } = limits;
  if (!Number.isInteger(maxAlerts) || maxAlerts < 1) throw new RangeError('ring maxAlerts must be ≥ 1');
  const slots: (RingEntry | undefined)[] = new Array(maxAlerts);
  let start = 0;
  let size = 0;
  let bytes = 0;
  let from = 0;
  let head = 0;

  const at = (index: number): RingEntry => slots[(start + index) % maxAlerts]!;
  const evictOldest = () => {
    const oldest = at(0);
    slots[start] = undefined;
    start = (start + 1) % maxAlerts;
    size -= 1;
    bytes -= oldest.frame.length;
    from = oldest.offset + 1;
  };
  /** Index of the first entry with offset ≥ `offset` (binary search: offsets only grow). */
  const lowerBound = (offset: number): number => {
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (at(mid).offset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    get from() {
      return from;
    },
    get head() {
      return head;
    },
    get size() {
      return size;
    },
    get bytes() {
      return bytes;
    },
    reset(offset) {
      slots.fill(undefined);
      start = 0;
      size = 0;
      bytes = 0;
      from = offset;
      head = offset;
    },
    push(entry) {
      if (entry.offset < head) throw new RangeError(`ring push at ${entry.offset} behind head ${head}`);
      if (size === maxAlerts) evictOldest();
      slots[(start + size) % maxAlerts] = entry;
      size += 1;
      bytes += entry.frame.length;
      head = entry.offset + 1;
      // One entry larger than maxBytes still stays: the newest alert is always served from memory.
      while (bytes > maxBytes && size > 1) evictOldest();
    },
    skip(offset) {
      if (offset >= head) head = offset + 1;
    },
    *entriesFrom(offset) {
      for (let i = lowerBound(offset); i < size; i += 1) yield at(i);
    },
  };
}
