import { alertError, type BusMessage, isAlert } from '@vigil/core';
import type { RingEntry } from '../live/live-types.ts';
import type { CursorCodec } from './cursor.ts';

export type DecodedRecord = { ok: true; entry: RingEntry } | { ok: false; reason: string };

/**
 * One record of the alerts topic → the entry the gateway keeps, with its frame serialized once.
 * A record that is not an alert is a bug upstream: the caller counts and logs it, never crashes.
 */
export function decodeAlertRecord(message: BusMessage, codec: CursorCodec, maxBytes: number): DecodedRecord {
  if (message.value.byteLength > maxBytes) {
    return { ok: false, reason: `record of ${message.value.byteLength} bytes exceeds ${maxBytes}` };
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(message.value).toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `not JSON: ${(err as Error).message}` };
  }
  if (!isAlert(value)) return { ok: false, reason: alertError(value) ?? 'not an alert' };
  const offset = Number(message.offset);
  const cursor = codec.encode(offset + 1);
  const published = value.publishedAt ? Date.parse(value.publishedAt) : Number.NaN;
  // Revision 1 (or none: a record from before episodes) is a new episode; any later one changes an existing one.
  const revision = value.revision ?? 1;
  const op = revision > 1 ? 'update' : 'alert';
  return {
    ok: true,
    entry: {
      offset,
      id: value.id,
      revision,
      op,
      keys: { severity: value.severity, source: value.source, service: value.service, ruleId: value.ruleId },
      frame: JSON.stringify({ op, cursor, alert: value }),
      // The bus timestamp is when the processor published; publishedAt says the same when present.
      publishedAt: Number.isFinite(published) ? published : message.timestamp,
    },
  };
}
