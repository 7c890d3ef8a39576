import { describe, expect, it } from 'vitest';
import { createCursorCodec } from './cursor.ts';
import { decodeAlertRecord } from './decode-alert.ts';
import { busRecord, makeAlert } from './testing/alerts.ts';

const codec = createCursorCodec('t');

describe('decodeAlertRecord', () => {
  it('keeps the match keys and a frame with the cursor after the record', () => {
    const alert = makeAlert(1, { service: 'api', severity: 'critical' });
    const decoded = decodeAlertRecord(busRecord(41, alert), codec, 1 << 20);
    expect(decoded.ok).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.entry.keys).toEqual({
      severity: 'critical',
      source: 'logs',
      service: 'api',
      ruleId: alert.ruleId,
    });
    expect(JSON.parse(decoded.entry.frame)).toEqual({ op: 'alert', cursor: codec.encode(42), alert });
    expect(decoded.entry.publishedAt).toBe(Date.parse(alert.publishedAt!));
  });

  it('makes an update frame for a later revision of an episode, an alert frame for its first', () => {
    const first = makeAlert(1, { revision: 1, occurrences: 1 });
    const later = { ...first, revision: 3, occurrences: 40 };
    const opened = decodeAlertRecord(busRecord(5, first), codec, 1 << 20);
    const changed = decodeAlertRecord(busRecord(9, later), codec, 1 << 20);
    expect(opened.ok && [opened.entry.op, opened.entry.revision]).toEqual(['alert', 1]);
    expect(changed.ok && [changed.entry.op, changed.entry.revision, changed.entry.id]).toEqual([
      'update',
      3,
      first.id,
    ]);
    expect(changed.ok && JSON.parse(changed.entry.frame)).toEqual({
      op: 'update',
      cursor: codec.encode(10),
      alert: later,
    });
  });

  it('treats a record from before episodes (no revision) as a new episode', () => {
    const { revision: _, ...old } = makeAlert(1);
    const decoded = decodeAlertRecord(busRecord(0, old), codec, 1 << 20);
    expect(decoded.ok && [decoded.entry.op, decoded.entry.revision]).toEqual(['alert', 1]);
  });

  it('falls back to the bus timestamp when publishedAt is absent', () => {
    const { publishedAt: _, ...alert } = makeAlert(1);
    const record = busRecord(3, alert);
    const decoded = decodeAlertRecord(record, codec, 1 << 20);
    expect(decoded.ok && decoded.entry.publishedAt).toBe(record.timestamp);
  });

  it('rejects records that are not alerts with a reason', () => {
    for (const value of ['not json', '{"id":1}', JSON.stringify({ ...makeAlert(1), severity: 'urgent' })]) {
      const decoded = decodeAlertRecord(busRecord(0, value), codec, 1 << 20);
      expect(decoded.ok).toBe(false);
      expect(!decoded.ok && decoded.reason.length).toBeGreaterThan(0);
    }
  });

  it('rejects records over the size limit without parsing them', () => {
    expect(decodeAlertRecord(busRecord(0, makeAlert(1)), codec, 10)).toMatchObject({ ok: false });
  });
});
