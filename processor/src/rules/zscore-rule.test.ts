import { describe, expect, it } from 'vitest';
import { alertId } from './alert-factory.ts';
import type { EventRecord } from './condition.ts';
import { harness, iso, log, MINUTE, rulesById, SECOND, T0 } from './rules-test-kit.ts';

/** `count` INFO logs spread over the first 50 s of minute `m`. */
const minute = (m: number, count: number, service = 'payments'): EventRecord[] =>
  Array.from({ length: count }, (_, i) =>
    log(m * MINUTE + Math.floor((i * 50 * SECOND) / count), { service, level: 'INFO' }),
  );
const steady = (from: number, to: number, perMinute: number, service = 'payments') =>
  Array.from({ length: to - from + 1 }, (_, i) => minute(from + i, perMinute, service)).flat();
const byTime = (events: EventRecord[]) =>
  [...events].sort((a, b) => String(a.ts).localeCompare(String(b.ts)));
/** One event 10 s into minute m + 1 (another service): moves the watermark to the end of minute m. */
const closeMinute = (m: number) => log((m + 1) * MINUTE + 10 * SECOND, { service: 'clock', level: 'INFO' });

describe('zscore rule logs.volume-anomaly (per-minute volume z-score > 3 against the trailing 30 min)', () => {
  const setup = () => harness(rulesById('logs.volume-anomaly'));

  it('fires for a spike just above mean + 3σ once its minute closes, not below it', () => {
    // Flat 10/min: σ is floored at √10, so the limit is 10 + 3·√10 = 19.49.
    const spike = (count: number) => {
      const { feed } = setup();
      return feed('logs', [...steady(0, 14, 10), ...minute(15, count), closeMinute(15)]);
    };
    expect(spike(19)).toEqual([]);
    const [alert, ...rest] = spike(20);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({
      ruleId: 'logs.volume-anomaly',
      severity: 'medium',
      key: 'service=payments',
      service: 'payments',
      value: 20,
      threshold: 19.49,
      windowStart: iso(15 * MINUTE),
      windowEnd: iso(16 * MINUTE),
    });
    expect(alert?.id).toBe(alertId('logs.volume-anomaly', 'service=payments', String(T0 + 15 * MINUTE)));
    expect(alert?.eventTime).toBe(iso(15 * MINUTE + 47_500));
    expect(alert?.evidence?.refs).toHaveLength(20);
    expect(alert?.message).toMatch(/z-score 3\.16 > 3 against the trailing 15m/);
  });

  it('judges a minute only when the watermark passes its end (lateness 10 s)', () => {
    const { feed } = setup();
    expect(feed('logs', [...steady(0, 14, 10), ...minute(15, 60)])).toEqual([]);
    expect(feed('logs', [log(16 * MINUTE + 9 * SECOND, { service: 'clock' })])).toEqual([]);
    expect(feed('logs', [closeMinute(15)])).toHaveLength(1);
  });

  it('counts events arriving out of order before the minute closes', () => {
    const { feed } = setup();
    feed('logs', [
      ...steady(0, 14, 10),
      ...minute(15, 16),
      log(16 * MINUTE + 5 * SECOND, { service: 'clock' }),
    ]);
    const stragglers = [56, 57, 58, 59].map((s) => log(15 * MINUTE + s * SECOND, { level: 'INFO' }));
    const alerts = feed('logs', [...stragglers, closeMinute(15)]);
    expect(alerts).toMatchObject([{ value: 20, windowStart: iso(15 * MINUTE) }]);
  });

  it('drops and counts events for a minute that already closed', () => {
    const { engine, feed, evaluate } = setup();
    feed('logs', [...steady(0, 14, 10), closeMinute(15)]);
    expect(evaluate('logs', log(15 * MINUTE + 30 * SECOND))).toMatchObject({ late: true });
    expect(engine.stats().rules[0]?.lateEvents).toBe(1);
  });

  it('needs 10 minutes of baseline before it can fire', () => {
    expect(setup().feed('logs', [...steady(0, 8, 10), ...minute(9, 100), closeMinute(9)])).toEqual([]);
    expect(setup().feed('logs', [...steady(0, 9, 10), ...minute(10, 100), closeMinute(10)])).toHaveLength(1);
  });

  it('counts silent minutes as zero and floors σ at 1 for a quiet service', () => {
    // One event at minute 0, then nothing: mean ≈ 0.08, σ = 1, so 4 events fire and 3 do not.
    const quiet = (count: number) =>
      setup().feed('logs', [...minute(0, 1), ...minute(12, count), closeMinute(12)]);
    expect(quiet(3)).toEqual([]);
    expect(quiet(4)).toHaveLength(1);
  });

  it('fires at most once per key per minute, once for each anomalous minute', () => {
    const { feed } = setup();
    const alerts = feed('logs', [
      ...steady(0, 14, 10),
      ...minute(15, 40),
      ...minute(16, 40),
      ...steady(17, 20, 10),
    ]);
    expect(alerts.map((a) => a.windowStart)).toEqual([iso(15 * MINUTE), iso(16 * MINUTE)]);
  });

  it('keeps services independent', () => {
    const { feed } = setup();
    const both = [...steady(0, 15, 30, 'checkout'), ...steady(0, 14, 10), ...minute(15, 40)];
    const alerts = feed('logs', [...byTime(both), closeMinute(15)]);
    expect(alerts.map((a) => a.key)).toEqual(['service=payments']);
  });

  it('forgets a service silent for a whole baseline', () => {
    const { engine, feed } = setup();
    feed('logs', steady(0, 14, 10));
    feed(
      'logs',
      Array.from({ length: 40 }, (_, i) => log((15 + i) * MINUTE, { service: 'clock' })),
    );
    expect(engine.stats().rules[0]).toMatchObject({ keys: 1, expired: 1 });
  });
});
