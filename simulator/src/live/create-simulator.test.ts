import { type OutgoingMessage, topicNames, UnavailableError, ValidationError } from '@vigil/core';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createEventGenerator, take } from '../generator/create-event-generator.ts';
import { PEAK_TIME } from '../test-support/collect.ts';
import { createSimulator, type SimulatorOptions } from './create-simulator.ts';
import type { SimulatorStats } from './progress.ts';

const logger = pino({ level: 'silent' });

interface Sent {
  topic: string;
  messages: OutgoingMessage[];
  at: number;
}

/** A fake clock whose sleep advances it, and a bus that records what it is given. */
function harness(overrides: Partial<SimulatorOptions> = {}, publish?: (topic: string) => Promise<void>) {
  let clock = PEAK_TIME;
  const sent: Sent[] = [];
  const progress: SimulatorStats[] = [];
  const simulator = createSimulator({
    bus: {
      async publish(topic, messages) {
        await publish?.(topic);
        sent.push({ topic, messages, at: clock });
      },
    },
    topicOf: (source) => topicNames().events[source],
    generator: { seed: 5, rate: 200, diurnalAmplitude: 0 },
    logger,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
    },
    onProgress: (stats) => progress.push(stats),
    ...overrides,
  });
  const events = () =>
    sent.flatMap((s) => s.messages.map((m) => JSON.parse(m.value as string) as { ts: string; id: string }));
  return { simulator, sent, progress, events, now: () => clock };
}

describe('createSimulator', () => {
  describe('paced', () => {
    it('sends the requested rate with ts = the clock at sending, to within one tick', async () => {
      const { simulator, sent } = harness({ durationMs: 60_000 });
      await simulator.start();
      const stats = await simulator.finished();
      expect(stats.sent / 60).toBeCloseTo(200, -1);
      for (const batch of sent) {
        for (const m of batch.messages) {
          const ts = Date.parse(JSON.parse(m.value as string).ts);
          expect(ts).toBeLessThanOrEqual(batch.at);
          expect(batch.at - ts).toBeLessThanOrEqual(100);
        }
      }
    });
    it('batches: far fewer publishes than events at high rates', async () => {
      const { simulator, sent } = harness({
        generator: { seed: 1, rate: 50_000, diurnalAmplitude: 0 },
        durationMs: 2_000,
      });
      await simulator.start();
      const stats = await simulator.finished();
      expect(stats.sent).toBeGreaterThan(90_000);
      expect(sent.length).toBeLessThan(stats.sent / 20);
    });
    it('reports progress every interval with the achieved rate', async () => {
      const { simulator, progress } = harness({ durationMs: 30_000, progressEveryMs: 5_000 });
      await simulator.start();
      await simulator.finished();
      const periodic = progress.slice(0, -1);
      expect(periodic.length).toBeGreaterThanOrEqual(5);
      for (const p of periodic) expect(p.rate).toBeGreaterThan(140);
      expect(progress.at(-1)!.sent).toBe(
        progress.at(-1)!.byTopic['events.logs']! +
          progress.at(-1)!.byTopic['events.metrics']! +
          progress.at(-1)!.byTopic['events.transactions']! +
          progress.at(-1)!.byTopic['events.security']!,
      );
    });
  });

  describe('unpaced', () => {
    it('sends exactly the generator output for the seed, stopping at the count', async () => {
      const { simulator, events } = harness({
        paced: false,
        maxEvents: 3_000,
        generator: { seed: 9, rate: 50, startTime: PEAK_TIME },
      });
      await simulator.start();
      expect((await simulator.finished()).sent).toBe(3_000);
      const expected = take(createEventGenerator({ seed: 9, rate: 50, startTime: PEAK_TIME }), 3_000);
      const byId = new Map(events().map((e) => [e.id, JSON.stringify(e)]));
      expect(expected.map((e) => byId.get(e.event.id!))).toEqual(
        expected.map((e) => JSON.stringify(e.event)),
      );
    });
  });

  describe('messages', () => {
    it('go to events.<source>, keyed for the processor windows', async () => {
      const { simulator, sent } = harness({ paced: false, maxEvents: 1_000 });
      await simulator.start();
      await simulator.finished();
      for (const { topic, messages } of sent) {
        const field = {
          'events.logs': 'service',
          'events.metrics': 'host',
          'events.transactions': 'userId',
          'events.security': 'ip',
        }[topic]!;
        for (const m of messages) expect(m.key).toBe(JSON.parse(m.value as string)[field]);
      }
    });
  });

  describe('scenarios', () => {
    it('injects one on demand at the current time', async () => {
      const { simulator, events, now } = harness({ durationMs: 120_000 });
      await simulator.start();
      const injection = simulator.inject('brute-force');
      expect(injection.at).toBe(now());
      await simulator.finished();
      const own = events().filter((e) => e.id.includes('-x0-'));
      expect(own.length).toBe(injection.events);
      expect(simulator.stats().scenariosInjected).toBe(1);
    });
    it('injects on a schedule', async () => {
      const { simulator } = harness({
        durationMs: 300_000,
        schedule: { scenarios: ['error-spike', 'fraud-burst'], everyMs: 60_000 },
      });
      await simulator.start();
      expect((await simulator.finished()).scenariosInjected).toBe(5);
    });
  });

  describe('failures', () => {
    it('retries a retriable publish failure and loses nothing', async () => {
      let failures = 2;
      const { simulator } = harness({ paced: false, maxEvents: 500 }, async () => {
        if (failures-- > 0) throw new UnavailableError('broker down');
      });
      await simulator.start();
      const stats = await simulator.finished();
      expect(stats).toMatchObject({ sent: 500, publishRetries: 2, dropped: 0 });
    });
    it('stops on a non-retriable failure, rejecting finished()', async () => {
      const { simulator } = harness({ paced: false, maxEvents: 500 }, async () => {
        throw new ValidationError('message too large');
      });
      await simulator.start();
      await expect(simulator.finished()).rejects.toThrow(/too large/);
      expect(simulator.stats().dropped).toBeGreaterThan(0);
    });
  });

  describe('lifecycle', () => {
    it('stop() ends an endless run and resolves with the counters', async () => {
      const { simulator } = harness();
      await simulator.start();
      simulator.inject('error-spike');
      const stats = await simulator.stop();
      expect(stats.sent).toBeGreaterThanOrEqual(0);
      await expect(simulator.finished()).resolves.toMatchObject({ sent: stats.sent });
    });
    it('refuses to inject before start', () => {
      const { simulator } = harness();
      expect(() => simulator.inject('error-spike')).toThrow(/not running/);
    });
  });
});
