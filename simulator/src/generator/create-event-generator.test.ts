import { SOURCES, validateEvent } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { SCENARIO_NAMES } from '../scenarios/registry.ts';
import { collectUntil, HOUR, MINUTE, PEAK_TIME } from '../test-support/collect.ts';
import { createEventGenerator, take } from './create-event-generator.ts';
import type { EventGeneratorOptions } from './options.ts';

const base: EventGeneratorOptions = { seed: 7, rate: 50, startTime: PEAK_TIME };
const withSchedule: EventGeneratorOptions = {
  ...base,
  schedule: { scenarios: SCENARIO_NAMES, everyMs: 30_000 },
};
const bytes = (options: EventGeneratorOptions, count: number) =>
  take(createEventGenerator(options), count)
    .map((e) => JSON.stringify(e))
    .join('\n');

describe('createEventGenerator', () => {
  describe('determinism', () => {
    it('gives the same events byte for byte for the same seed and options', () => {
      expect(bytes(withSchedule, 5_000)).toBe(bytes(withSchedule, 5_000));
    });
    it('gives different events for a different seed', () => {
      const a = take(createEventGenerator(base), 200).map((e) => JSON.stringify(e.event));
      const b = take(createEventGenerator({ ...base, seed: 8 }), 200).map((e) => JSON.stringify(e.event));
      expect(a.filter((line, i) => line === b[i])).toEqual([]);
    });
    it('gives different ids for a different start time, so two live runs never share an id', () => {
      const a = take(createEventGenerator(base), 10).map((e) => e.event.id);
      const b = take(createEventGenerator({ ...base, startTime: base.startTime + 1 }), 10).map(
        (e) => e.event.id,
      );
      expect(a.filter((id) => b.includes(id))).toEqual([]);
    });
    it('keeps the background identical whether or not scenarios are injected', () => {
      const plain = take(createEventGenerator(base), 3_000).filter((e) => !e.event.id?.includes('-x'));
      const gen = createEventGenerator(base);
      gen.inject('fraud-burst');
      const mixed = take(gen, 3_000).filter((e) => !e.event.id?.includes('-x'));
      const n = Math.min(plain.length, mixed.length);
      expect(mixed.slice(0, n).map((e) => e.event.ts)).toEqual(plain.slice(0, n).map((e) => e.event.ts));
    });
  });

  describe('every event', () => {
    const events = collectUntil(createEventGenerator(withSchedule), PEAK_TIME + 10 * MINUTE);

    it('passes core validateEvent (10 simulated minutes with every scenario, twice)', () => {
      expect(events.length).toBeGreaterThan(25_000);
      const invalid = events
        .map((e) => ({ e, result: validateEvent(e.source, e.event) }))
        .filter(({ result }) => !result.ok);
      expect(invalid.slice(0, 3)).toEqual([]);
      expect(
        new Set(events.filter((e) => e.event.id?.includes('-x')).map((e) => e.event.id)).size,
      ).toBeGreaterThan(300);
    });
    it('comes in event-time order, with ts matching its time', () => {
      for (let i = 1; i < events.length; i++)
        expect(events[i]!.time).toBeGreaterThanOrEqual(events[i - 1]!.time);
      for (const e of events.slice(0, 2_000)) expect(e.event.ts).toBe(new Date(e.time).toISOString());
    });
    it('has a unique id', () => {
      expect(new Set(events.map((e) => e.event.id)).size).toBe(events.length);
    });
    it('covers all four sources', () => {
      expect(new Set(events.map((e) => e.source))).toEqual(new Set(SOURCES));
    });
  });

  // An hour at 5 events/s is 18,000 events per sample: enough to see the diurnal swing over Poisson noise
  // (±0.04 events/s), few enough to stay quick. The budget covers a machine whose cores are all busy.
  describe('rate and time of day', { timeout: 30_000 }, () => {
    const perHour = (startTime: number, diurnalAmplitude?: number) =>
      collectUntil(createEventGenerator({ ...base, startTime, rate: 5, diurnalAmplitude }), startTime + HOUR)
        .length;

    it('produces the requested rate when flat', () => {
      expect(perHour(PEAK_TIME, 0) / 3_600).toBeCloseTo(5, 0);
    });
    it('is busier in the afternoon than before dawn', () => {
      const night = Date.UTC(2026, 10, 21, 3, 30);
      expect(perHour(PEAK_TIME)).toBeGreaterThan(perHour(night) * 1.3);
    });
  });

  describe('sources', () => {
    it('generates only the enabled sources, scenario events included', () => {
      const gen = createEventGenerator({ ...base, sources: ['transactions'] });
      gen.inject('fraud-burst');
      expect(new Set(take(gen, 2_000).map((e) => e.source))).toEqual(new Set(['transactions']));
    });
    it('refuses a scenario whose source is disabled', () => {
      const gen = createEventGenerator({ ...base, sources: ['logs'] });
      expect(() => gen.inject('brute-force')).toThrow(/needs source security/);
    });
  });

  describe('inject', () => {
    it('starts no earlier than the last event returned, so the stream stays ordered', () => {
      const gen = createEventGenerator(base);
      const last = take(gen, 100).at(-1)!;
      expect(gen.inject('error-spike', PEAK_TIME).at).toBe(last.time);
    });
    it('reports what it injected', () => {
      const seen: string[] = [];
      const gen = createEventGenerator({ ...withSchedule, onInjection: (i) => seen.push(i.name) });
      collectUntil(gen, PEAK_TIME + 61_000);
      expect(seen).toEqual(['error-spike', 'cpu-saturation', 'latency-storm']);
    });
    it('peekTime is the time of the next event', () => {
      const gen = createEventGenerator(withSchedule);
      for (let i = 0; i < 500; i++) {
        const peek = gen.peekTime();
        expect(gen.next().time).toBe(peek);
      }
    });
  });

  describe('options', () => {
    it('names every bad option at once', () => {
      expect(() =>
        createEventGenerator({ seed: 1.5, rate: 0, startTime: Number.NaN, sources: [], diurnalAmplitude: 2 }),
      ).toThrow(/seed.*rate.*startTime.*source.*diurnal/);
    });
    it('rejects unknown scenarios in a schedule', () => {
      expect(() =>
        createEventGenerator({
          ...base,
          schedule: { scenarios: ['nope' as 'error-spike'], everyMs: 60_000 },
        }),
      ).toThrow(/unknown scenario nope/);
    });
  });
});
