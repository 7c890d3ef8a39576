import { describe, expect, it } from 'vitest';
import { createEventGenerator } from '../generator/create-event-generator.ts';
import { PEAK_TIME } from '../test-support/collect.ts';
import { createPacer } from './pacer.ts';

const setup = (paced: boolean, endTime?: number) => {
  let clock = PEAK_TIME;
  const generator = createEventGenerator({ seed: 1, rate: 100, startTime: PEAK_TIME, diurnalAmplitude: 0 });
  const pacer = createPacer({ generator, now: () => clock, paced, endTime });
  return { pacer, advance: (ms: number) => (clock += ms), now: () => clock };
};

describe('createPacer', () => {
  describe('paced', () => {
    it('releases only events whose time has come', () => {
      const { pacer, advance, now } = setup(true);
      expect(pacer.take(1_000)).toEqual([]);
      advance(1_000);
      const due = pacer.take(1_000);
      expect(due.length).toBeGreaterThan(70);
      expect(due.length).toBeLessThan(130);
      expect(due.every((e) => e.time <= now())).toBe(true);
      expect(pacer.take(1_000)).toEqual([]);
    });
    it('keeps the rate over simulated minutes', () => {
      const { pacer, advance } = setup(true);
      let sent = 0;
      for (let tick = 0; tick < 6_000; tick++) {
        advance(20);
        sent += pacer.take(10_000).length;
      }
      expect(sent / 120).toBeCloseTo(100, -1);
    });
    it('says how long to wait for the next event', () => {
      const { pacer, advance } = setup(true);
      const wait = pacer.waitMs();
      expect(wait).toBeGreaterThanOrEqual(0);
      advance(wait);
      expect(pacer.waitMs()).toBe(0);
      expect(pacer.take(10).length).toBeGreaterThanOrEqual(1);
    });
    it('caps a batch and reports the lag of what is left', () => {
      const { pacer, advance } = setup(true);
      advance(10_000);
      expect(pacer.take(50)).toHaveLength(50);
      expect(pacer.lagMs()).toBeGreaterThan(9_000);
      pacer.take(100_000);
      expect(pacer.lagMs()).toBe(0);
    });
  });

  describe('unpaced', () => {
    it('releases the next batch at once, whatever the clock', () => {
      const { pacer } = setup(false);
      expect(pacer.take(500)).toHaveLength(500);
      expect(pacer.waitMs()).toBe(0);
    });
  });

  describe('end time', () => {
    it('stops before the end time', () => {
      const { pacer } = setup(false, PEAK_TIME + 2_000);
      const events = pacer.take(100_000);
      expect(events.at(-1)!.time).toBeLessThan(PEAK_TIME + 2_000);
      expect(pacer.finished).toBe(true);
      expect(pacer.take(10)).toEqual([]);
    });
  });
});
