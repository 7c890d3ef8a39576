import { validateEvent } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { createEventGenerator } from '../generator/create-event-generator.ts';
import type { GeneratedEvent } from '../generator/event-types.ts';
import { createRng } from '../random/rng.ts';
import { collectUntil, MINUTE, PEAK_TIME } from '../test-support/collect.ts';
import {
  helpers,
  longestHostGap,
  longestHotRun,
  maxDistinctInWindow,
  maxInWindow,
  RULE_CONDITIONS,
  timesBy,
} from '../test-support/rule-conditions.ts';
import { SCENARIO_NAMES, SCENARIOS, type ScenarioName } from './registry.ts';

const { isError, isLoginFailure, isMetric, isTx, isSec } = helpers;

/** The scenario injected into a background stream at 50 ev/s, with everything up to a minute after it ends. */
function run(name: ScenarioName, seed = 11) {
  const gen = createEventGenerator({ seed, rate: 50, startTime: PEAK_TIME });
  collectUntil(gen, PEAK_TIME + MINUTE);
  const injection = gen.inject(name, PEAK_TIME + MINUTE);
  const events = collectUntil(gen, injection.endsAt + MINUTE);
  const own = events.filter((e) => e.event.id?.includes('-x0-'));
  return { injection, events, own };
}
const targetOf = (target: string, key: string) => new RegExp(`${key}=(\\S+)`).exec(target)?.[1];

describe('scenarios', () => {
  for (const name of SCENARIO_NAMES) {
    describe(name, () => {
      const { injection, events, own } = run(name);

      it('triggers every rule it claims, counted directly on the mixed stream', () => {
        for (const ruleId of SCENARIOS[name].triggers)
          expect({ ruleId, fires: RULE_CONDITIONS[ruleId]!(events) }).toEqual({ ruleId, fires: true });
      });
      it('triggers them from its own events alone, whatever the background', () => {
        for (const ruleId of SCENARIOS[name].triggers) {
          expect({ ruleId, fires: RULE_CONDITIONS[ruleId]!(own) }).toEqual({ ruleId, fires: true });
        }
      });
      it('plans valid events, in order, inside its duration', () => {
        expect(own.length).toBe(injection.events);
        for (const e of own) {
          expect(validateEvent(e.source, e.event)).toMatchObject({ ok: true });
          expect(e.time).toBeGreaterThanOrEqual(injection.at);
          expect(e.time).toBeLessThanOrEqual(injection.endsAt);
        }
      });
      it('triggers them for every one of 200 seeds (planned events alone)', () => {
        for (let seed = 0; seed < 200; seed++) {
          const plan = SCENARIOS[name].plan({ rng: createRng(seed), start: PEAK_TIME, population: 50_000 });
          const planned = plan.events.map(
            (e) => ({ source: e.source, event: e.body, time: e.time }) as GeneratedEvent,
          );
          for (const ruleId of SCENARIOS[name].triggers) {
            expect({ seed, ruleId, fires: RULE_CONDITIONS[ruleId]!(planned) }).toEqual({
              seed,
              ruleId,
              fires: true,
            });
          }
        }
      });
      it('is reproducible from the seed', () => {
        expect(run(name).own.map((e) => JSON.stringify(e))).toEqual(own.map((e) => JSON.stringify(e)));
      });
    });
  }

  describe('margins (counts well past each threshold)', () => {
    it('error-spike: ≥ 30 ERROR/CRITICAL for its service within 3 min, no user near 10', () => {
      const { injection, events } = run('error-spike');
      const service = targetOf(injection.target, 'service')!;
      expect(
        maxInWindow(timesBy(events, isError, (e) => e.event.service).get(service)!, 3 * MINUTE),
      ).toBeGreaterThanOrEqual(30);
      expect(RULE_CONDITIONS['logs.user-error-spike']!(events)).toBe(false);
    });
    it('cpu-saturation: every sample of the host for ≥ 2.5 min is ≥ 80, ≥ 10 samples', () => {
      const { events } = run('cpu-saturation');
      const hot = longestHotRun(events);
      expect(hot.spanMs).toBeGreaterThanOrEqual(150_000);
      expect(hot.samples).toBeGreaterThanOrEqual(10);
    });
    it('latency-storm: slow samples on every host of the service, and no hot cpu', () => {
      const { injection, events } = run('latency-storm');
      const service = targetOf(injection.target, 'service');
      const slowHosts = new Set(
        events
          .filter((e) => isMetric(e) && e.event.latencyMs > 1000)
          .map((e) => e.source === 'metrics' && e.event.host),
      );
      expect(slowHosts.size).toBeGreaterThanOrEqual(3);
      expect(events.some((e) => isMetric(e) && e.event.service === service && e.event.cpu >= 80)).toBe(false);
      expect(RULE_CONDITIONS['metrics.cpu-and-latency']!(events)).toBe(false);
    });
    it('fraud-burst: ≥ 8 purchases by the user within 5 min, ≥ 3 above 10,000', () => {
      const { injection, events } = run('fraud-burst');
      const userId = targetOf(injection.target, 'userId')!;
      const mine = events.filter((e) => isTx(e) && e.event.userId === userId);
      expect(
        maxInWindow(
          mine.map((e) => e.time),
          5 * MINUTE,
        ),
      ).toBeGreaterThanOrEqual(8);
      expect(mine.filter((e) => isTx(e) && e.event.amount > 10_000).length).toBeGreaterThanOrEqual(3);
    });
    it('brute-force: ≥ 10 failures within 1 min both for the ip and for the user', () => {
      const { injection, events } = run('brute-force');
      const ip = targetOf(injection.target, 'ip')!;
      const userId = targetOf(injection.target, 'userId')!;
      expect(
        maxInWindow(timesBy(events, isLoginFailure, (e) => e.event.ip).get(ip)!, MINUTE),
      ).toBeGreaterThanOrEqual(10);
      expect(
        maxInWindow(timesBy(events, isLoginFailure, (e) => e.event.userId).get(userId)!, MINUTE),
      ).toBeGreaterThanOrEqual(10);
    });
    it('brute-force: the success follows ≥ 10 failures of its user, and the ip stays under the 10 users of a spray', () => {
      const { injection, events } = run('brute-force');
      expect(RULE_CONDITIONS['security.password-spray']!(events)).toBe(false);
      const userId = targetOf(injection.target, 'userId')!;
      const success = events.find(
        (e) =>
          isSec(e) &&
          e.event.action === 'login_success' &&
          e.event.userId === userId &&
          e.time >= injection.at,
      )!;
      const before = timesBy(events, isLoginFailure, (e) => e.event.userId)
        .get(userId)!
        .filter((t) => t < success.time);
      expect(before.length).toBeGreaterThanOrEqual(10);
    });
    it('password-spray: ≥ 14 distinct users from the ip within 5 min, never 5 failures in a minute', () => {
      const { injection, events } = run('password-spray');
      const ip = targetOf(injection.target, 'ip')!;
      const points = events
        .filter((e) => isLoginFailure(e) && e.event.ip === ip)
        .map((e) => [e.time, isSec(e) ? String(e.event.userId) : ''] as [number, string]);
      expect(maxDistinctInWindow(points, 5 * MINUTE)).toBeGreaterThanOrEqual(14);
      expect(RULE_CONDITIONS['security.login-failures']!(events)).toBe(false);
      expect(RULE_CONDITIONS['security.brute-force-success']!(events)).toBe(false);
    });
    it('host-silent: the host sends nothing for ≥ 2.5 min, every other host keeps reporting', () => {
      const { injection, events } = run('host-silent');
      const host = targetOf(injection.target, 'host');
      expect(
        longestHostGap(events.filter((e) => isMetric(e) && e.event.host === host)),
      ).toBeGreaterThanOrEqual(150_000);
      expect(longestHostGap(events.filter((e) => isMetric(e) && e.event.host !== host))).toBeLessThan(MINUTE);
    });
    it('data-exfiltration: transfers well above 100 MB (> 150 MiB)', () => {
      const { own } = run('data-exfiltration');
      const big = own.filter(
        (e) => isSec(e) && e.event.action === 'data_transfer' && (e.event.bytes ?? 0) > 150 * 1024 * 1024,
      );
      expect(big.length).toBe(3);
    });
    it('retry-storm: ≥ 12 errors for one user, and its service stays under the 20 of error-spike', () => {
      const { events } = run('retry-storm');
      expect(
        Math.max(
          ...[...timesBy(events, isError, (e) => e.event.userId).values()].map((t) =>
            maxInWindow(t, 3 * MINUTE),
          ),
        ),
      ).toBeGreaterThanOrEqual(12);
      expect(RULE_CONDITIONS['logs.error-spike']!(events)).toBe(false);
    });
  });

  it('pick different targets for different injections', () => {
    const targets = new Set<string>();
    for (let i = 0; i < 8; i++) {
      targets.add(
        SCENARIOS['cpu-saturation'].plan({ rng: createRng(i), start: PEAK_TIME, population: 50_000 }).target,
      );
    }
    expect(targets.size).toBeGreaterThan(3);
  });
});
