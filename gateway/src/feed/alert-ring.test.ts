import { describe, expect, it } from 'vitest';
import type { RingEntry } from '../live/live-types.ts';
import { createAlertRing } from './alert-ring.ts';

const entry = (offset: number, frame = `frame-${offset}`): RingEntry => ({
  offset,
  id: `a${offset}`,
  revision: 1,
  op: 'alert',
  keys: { severity: 'high', source: 'logs', service: 's', ruleId: 'r' },
  frame,
  publishedAt: 0,
});
const offsets = (entries: Iterable<RingEntry>) => [...entries].map((e) => e.offset);

describe('alert ring', () => {
  it('covers [from, head) and reads from any offset in order', () => {
    const ring = createAlertRing({ maxAlerts: 10, maxBytes: 1e6 });
    ring.reset(5);
    for (const o of [5, 6, 8]) ring.push(entry(o));
    ring.skip(9); // a bad record
    expect({ from: ring.from, head: ring.head, size: ring.size }).toEqual({ from: 5, head: 10, size: 3 });
    expect(offsets(ring.entriesFrom(0))).toEqual([5, 6, 8]);
    expect(offsets(ring.entriesFrom(7))).toEqual([8]);
    expect(offsets(ring.entriesFrom(10))).toEqual([]);
  });

  it('evicts the oldest past maxAlerts and moves `from` past it', () => {
    const ring = createAlertRing({ maxAlerts: 3, maxBytes: 1e6 });
    for (let o = 0; o < 5; o += 1) ring.push(entry(o));
    expect(offsets(ring.entriesFrom(0))).toEqual([2, 3, 4]);
    expect(ring.from).toBe(2);
    expect(ring.size).toBe(3);
  });

  it('evicts past maxBytes but always keeps the newest entry', () => {
    const ring = createAlertRing({ maxAlerts: 100, maxBytes: 25 });
    for (let o = 0; o < 4; o += 1) ring.push(entry(o, 'x'.repeat(10)));
    expect(offsets(ring.entriesFrom(0))).toEqual([2, 3]);
    expect(ring.bytes).toBe(20);
    ring.push(entry(4, 'y'.repeat(100)));
    expect(offsets(ring.entriesFrom(0))).toEqual([4]);
    expect(ring.from).toBe(4);
  });

  it('wraps around its slots many times', () => {
    const ring = createAlertRing({ maxAlerts: 7, maxBytes: 1e6 });
    for (let o = 0; o < 100; o += 2) ring.push(entry(o));
    expect(offsets(ring.entriesFrom(85))).toEqual([86, 88, 90, 92, 94, 96, 98]);
    expect(offsets(ring.entriesFrom(87))).toEqual([88, 90, 92, 94, 96, 98]);
  });

  it('refuses an entry behind its head', () => {
    const ring = createAlertRing({ maxAlerts: 3, maxBytes: 1e6 });
    ring.push(entry(3));
    expect(() => ring.push(entry(3))).toThrow(RangeError);
  });

  it('forgets everything on reset', () => {
    const ring = createAlertRing({ maxAlerts: 3, maxBytes: 1e6 });
    ring.push(entry(0));
    ring.reset(50);
    expect({ from: ring.from, head: ring.head, size: ring.size, bytes: ring.bytes }).toEqual({
      from: 50,
      head: 50,
      size: 0,
      bytes: 0,
    });
  });
});
