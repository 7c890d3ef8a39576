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
