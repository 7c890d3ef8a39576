import { UnavailableError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { assertHealthy, createPartitionHealth, processorHealth } from './partition-health.ts';

const setup = () => {
  const clock = { now: 1_000_000 };
  const health = createPartitionHealth({ now: () => clock.now, stallAfterMs: 60_000 });
  return { clock, health };
};

describe('partition health', () => {
  it('is idle, not stalled, once a batch finishes', () => {
    const { clock, health } = setup();
    health.begin('events.logs', 0, '0');
    clock.now += 5;
    health.done('events.logs', 0, '9');
    clock.now += 600_000;
    expect(health.partitions()).toEqual([
      expect.objectContaining({ state: 'idle', stalled: false, busyForMs: 0, handledThrough: '9' }),
    ]);
  });

  it('is busy but not stalled up to the threshold, stalled past it', () => {
    const { clock, health } = setup();
    health.begin('events.logs', 0, '10');
    clock.now += 60_000;
    expect(health.partitions()[0]).toMatchObject({ state: 'busy', stalled: false, busyForMs: 60_000 });
    clock.now += 1;
    expect(health.partitions()[0]).toMatchObject({ stalled: true, offset: '10' });
  });

  it('says what a stalled batch waits on, and its last transient error', () => {
    const { clock, health } = setup();
    health.begin('events.transactions', 3, '42');
    health.waiting(
      'events.transactions',
      3,
      'store.insertAlerts (retrying)',
      new UnavailableError('PostgreSQL down'),
    );
    clock.now += 75_000;
    const state = processorHealth(health.partitions(), 60_000, null);
    expect(state.status).toBe('stalled');
    expect(() => assertHealthy(state)).toThrow(
      'partition events.transactions/3 stalled: no batch finished for 75 s at offset 42, waiting on store.insertAlerts (retrying) (last error: PostgreSQL down)',
    );
  });

  it('counts a batch that fails and comes again as one stall since its first attempt', () => {
    const { clock, health } = setup();
    health.begin('events.logs', 0, '7');
    health.failed('events.logs', 0, new Error('boom'));
    clock.now += 40_000;
    health.begin('events.logs', 0, '7'); // the redelivery
    clock.now += 40_000;
    expect(health.partitions()[0]).toMatchObject({ stalled: true, busyForMs: 80_000 });
  });

  it('recovers when the stalled batch finishes', () => {
    const { clock, health } = setup();
    health.begin('events.logs', 0, '7');
    clock.now += 120_000;
    health.done('events.logs', 0, '8');
    const state = processorHealth(health.partitions(), 60_000, null);
    expect(state.status).toBe('ok');
    expect(() => assertHealthy(state)).not.toThrow();
  });

  it('reports failed, with the error, after a fatal failure', () => {
    const state = processorHealth([], 60_000, new TypeError('x is undefined'));
    expect(state).toMatchObject({ status: 'failed' });
    expect(() => assertHealthy(state)).toThrow('processor stopped after a fatal error: x is undefined');
  });
});
