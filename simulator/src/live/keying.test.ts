import { topicNames } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { createEventGenerator, take } from '../generator/create-event-generator.ts';
import { PEAK_TIME } from '../test-support/collect.ts';
import { batchByTopic, messageKey, PARTITION_KEY_FIELD, toMessage } from './keying.ts';

const ts = '2026-11-21T14:00:00.000Z';

describe('keying', () => {
  it('keys each source by the field its windowed rules group by', () => {
    expect(
      messageKey({ source: 'logs', event: { ts, service: 'payments', level: 'ERROR', message: 'x' } }),
    ).toBe('payments');
    expect(
      messageKey({
        source: 'metrics',
        event: { ts, service: 'search', host: 'search-eu1-01', cpu: 1, latencyMs: 1 },
      }),
    ).toBe('search-eu1-01');
    expect(
      messageKey({ source: 'transactions', event: { ts, userId: 'u-1', amount: 1, currency: 'EUR' } }),
    ).toBe('u-1');
    expect(
      messageKey({
        source: 'security',
        event: { ts, ip: '10.0.0.1', action: 'login_failure', userId: 'u-1' },
      }),
    ).toBe('10.0.0.1');
  });

  it('uses the documented field for every generated event', () => {
    for (const item of take(createEventGenerator({ seed: 1, rate: 50, startTime: PEAK_TIME }), 2_000)) {
      const field = PARTITION_KEY_FIELD[item.source];
      expect(messageKey(item)).toBe((item.event as Record<string, unknown>)[field]);
    }
  });

  it('serializes the event alone as the message value', () => {
    const item = {
      source: 'transactions',
      event: { ts, userId: 'u-1', amount: 12.5, currency: 'EUR' },
    } as const;
    expect(toMessage(item)).toEqual({ key: 'u-1', value: JSON.stringify(item.event) });
  });

  it('batches by topic, keeping order within a topic', () => {
    const items = take(createEventGenerator({ seed: 2, rate: 50, startTime: PEAK_TIME }), 500);
    const batches = batchByTopic(items, (source) => topicNames().events[source]);
    expect([...batches.keys()].sort()).toEqual([
      'events.logs',
      'events.metrics',
      'events.security',
      'events.transactions',
    ]);
    const logs = items.filter((i) => i.source === 'logs').map((i) => JSON.stringify(i.event));
    expect(batches.get('events.logs')!.map((m) => m.value)).toEqual(logs);
  });
});
