import type { BusMessage } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { createFirstDeliveries } from './first-deliveries.ts';

const batch = (...offsets: number[]): BusMessage[] =>
  offsets.map((offset) => ({
    topic: 'events.logs',
    partition: 0,
    offset: String(offset),
    key: null,
    value: new Uint8Array(),
    headers: {},
    timestamp: 0,
  }));

describe('createFirstDeliveries', () => {
  it('counts every message of batches that move forward', () => {
    const deliveries = createFirstDeliveries();
    expect(deliveries.count('events.logs', 0, batch(0, 1, 2))).toBe(3);
    expect(deliveries.count('events.logs', 0, batch(3, 4))).toBe(2);
  });

  it('does not count a redelivered batch again', () => {
    const deliveries = createFirstDeliveries();
    deliveries.count('events.logs', 0, batch(0, 1, 2));
    expect(deliveries.count('events.logs', 0, batch(0, 1, 2))).toBe(0);
  });

  it('counts only the new tail of a rewind that runs past what was seen', () => {
    const deliveries = createFirstDeliveries();
    deliveries.count('events.logs', 0, batch(0, 1, 2));
    expect(deliveries.count('events.logs', 0, batch(1, 2, 3, 4))).toBe(2);
    expect(deliveries.count('events.logs', 0, batch(4, 5))).toBe(1);
  });

  it('keeps partitions apart', () => {
    const deliveries = createFirstDeliveries();
    deliveries.count('events.logs', 0, batch(0, 1));
    expect(deliveries.count('events.logs', 1, batch(0, 1))).toBe(2);
    expect(deliveries.count('events.metrics', 0, batch(0, 1))).toBe(2);
  });

  it('counts nothing for an empty batch', () => {
    expect(createFirstDeliveries().count('events.logs', 0, [])).toBe(0);
  });
});
