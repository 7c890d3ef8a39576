import { ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { parseRawBatchKey, rawBatchKey, rawBatchPrefix } from './archive-key.ts';

const batch = {
  source: 'logs',
  eventTime: Date.UTC(2026, 10, 21, 14, 37, 12),
  topic: 'events.logs',
  partition: 3,
  firstOffset: '123',
  lastOffset: '456',
} as const;

describe('rawBatchKey', () => {
  it('files a batch under source, UTC date and hour with zero-padded offsets', () => {
    expect(rawBatchKey(batch)).toBe(
      'raw/source=logs/date=2026-11-21/hour=14/events.logs-p3-o000000000123-000000000456.ndjson.gz',
    );
  });

  it('gives the same key for the same batch whatever the offset and time types', () => {
    const same = { ...batch, eventTime: new Date(batch.eventTime), firstOffset: 123, lastOffset: 456n };
    expect(rawBatchKey(same)).toBe(rawBatchKey(batch));
    expect(rawBatchKey({ ...batch, firstOffset: '000123' })).toBe(rawBatchKey(batch));
  });

  it('uses UTC for the date and hour folders', () => {
    const key = rawBatchKey({ ...batch, eventTime: Date.UTC(2026, 0, 1, 0, 0, 0) - 1 });
    expect(key).toContain('/date=2025-12-31/hour=23/');
  });

  it('orders keys numerically by offset when sorted as strings', () => {
    const keys = [1000, 9, 100_000_000_000, 10].map((o) =>
      rawBatchKey({ ...batch, firstOffset: o, lastOffset: o }),
    );
    const offsets = [...keys].sort().map((key) => parseRawBatchKey(key)?.firstOffset);
    expect(offsets).toEqual(['9', '10', '1000', '100000000000']);
  });

  it('keeps every digit of offsets past the padding width', () => {
    const key = rawBatchKey({
      ...batch,
      firstOffset: '9223372036854775806',
      lastOffset: '9223372036854775807',
    });
    expect(key).toMatch(/-o9223372036854775806-9223372036854775807\.ndjson\.gz$/);
    expect(parseRawBatchKey(key)?.lastOffset).toBe('9223372036854775807');
  });

  it.each([
    ['an unknown source', { source: 'audit' }],
    ['a topic with a slash', { topic: 'events/logs' }],
    ['an empty topic', { topic: '' }],
    ['a negative partition', { partition: -1 }],
    ['a fractional partition', { partition: 1.5 }],
    ['a negative offset', { firstOffset: -1 }],
    ['a non-numeric offset', { firstOffset: '12a' }],
    ['an unsafe-integer offset', { firstOffset: 2 ** 60 }],
    ['offsets out of order', { firstOffset: '457' }],
    ['an invalid time', { eventTime: Number.NaN }],
    ['a time past year 9999', { eventTime: Date.UTC(10_000, 0, 1) }],
  ])('rejects %s with ValidationError', (_label, change) => {
    expect(() => rawBatchKey({ ...batch, ...change } as Parameters<typeof rawBatchKey>[0])).toThrow(
      ValidationError,
    );
  });
});

describe('rawBatchPrefix', () => {
  it('names the folder of a source, or of one of its hours', () => {
    expect(rawBatchPrefix('metrics')).toBe('raw/source=metrics/');
    expect(rawBatchPrefix('logs', batch.eventTime)).toBe('raw/source=logs/date=2026-11-21/hour=14/');
    expect(rawBatchKey(batch).startsWith(rawBatchPrefix('logs', batch.eventTime))).toBe(true);
  });
});

describe('parseRawBatchKey', () => {
  it('reverses rawBatchKey', () => {
    expect(parseRawBatchKey(rawBatchKey(batch))).toEqual({
      source: 'logs',
      date: '2026-11-21',
      hour: 14,
      topic: 'events.logs',
      partition: 3,
      firstOffset: '123',
      lastOffset: '456',
    });
  });

  it('reads topics that contain dashes', () => {
    const key = rawBatchKey({ ...batch, topic: 'events.logs-v2-p9', partition: 12 });
    expect(parseRawBatchKey(key)).toMatchObject({ topic: 'events.logs-v2-p9', partition: 12 });
  });

  it.each([
    'raw/source=logs/date=2026-11-21/hour=14/',
    'raw/source=audit/date=2026-11-21/hour=14/events.logs-p3-o000000000123-000000000456.ndjson.gz',
    'raw/source=logs/date=2026-02-30/hour=14/events.logs-p3-o000000000123-000000000456.ndjson.gz',
    'raw/source=logs/date=2026-11-21/hour=24/events.logs-p3-o000000000123-000000000456.ndjson.gz',
    'raw/source=logs/date=2026-11-21/hour=14/events.logs-p3-o000000000123-000000000456.ndjson',
    'other/source=logs/date=2026-11-21/hour=14/events.logs-p3-o000000000123-000000000456.ndjson.gz',
  ])('returns null for %s', (key) => {
    expect(parseRawBatchKey(key)).toBeNull();
  });
});
