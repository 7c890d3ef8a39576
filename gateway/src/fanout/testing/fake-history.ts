import type { Alert } from '@vigil/core';
import { createAlertRing } from '../../feed/alert-ring.ts';
import { createCursorCodec } from '../../feed/cursor.ts';
import { decodeAlertRecord } from '../../feed/decode-alert.ts';
import { busRecord } from '../../feed/testing/alerts.ts';
import { type AlertHistory, CursorExpiredError, type RingEntry } from '../../live/live-types.ts';

export interface FakeHistory extends AlertHistory {
  /** Appends alerts at the next offsets, to the ring and to the "bus"; returns their entries. */
  append(alerts: Alert[]): RingEntry[];
  /** Oldest offset the fake bus still has. */
  low: number;
  /** The fake bus's high watermark runs this far ahead of the ring (a cursor from a faster gateway). */
  aheadBy: number;
  /** Bus reads done so far. */
  busReads: { from: number; to: number }[];
  codec: ReturnType<typeof createCursorCodec>;
}

/** The feed's history over a real ring and cursor codec, with an in-array "bus" behind it. */
export function fakeHistory(
  options: { epoch?: string; ringMaxAlerts?: number; readBatch?: number } = {},
): FakeHistory {
  const codec = createCursorCodec(options.epoch ?? 'test');
  const ring = createAlertRing({ maxAlerts: options.ringMaxAlerts ?? 1_000, maxBytes: 1 << 30 });
  const bus: RingEntry[] = [];
  const readBatch = options.readBatch ?? 3;
  const history: FakeHistory = {
    low: 0,
    aheadBy: 0,
    busReads: [],
    codec,
    append(alerts) {
      return alerts.map((alert) => {
        const decoded = decodeAlertRecord(busRecord(ring.head, alert), codec, 1 << 20);
        if (!decoded.ok) throw new Error(decoded.reason);
        ring.push(decoded.entry);
        bus.push(decoded.entry);
        return decoded.entry;
      });
    },
    decodeCursor: (text) => codec.decode(text),
    headCursor: () => codec.encode(ring.head),
    window: () => ({ from: ring.from, head: ring.head }),
    entriesFrom: (offset) => ring.entriesFrom(offset),
    busBounds: async () => ({ low: history.low, high: ring.head + history.aheadBy }),
    async replayRange(from, to, onEntries, signal) {
      history.busReads.push({ from, to });
      if (from < history.low) throw new CursorExpiredError('gone');
      const wanted = bus.filter((e) => e.offset >= from && e.offset < to);
      for (let i = 0; i < wanted.length && !signal.aborted; i += readBatch) {
        // A turn of the event loop per batch, as a real bus read: live alerts can arrive in between.
        await new Promise((resolve) => setImmediate(resolve));
        await onEntries(wanted.slice(i, i + readBatch));
      }
    },
  };
  return history;
}
