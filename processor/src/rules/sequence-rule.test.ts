import { describe, expect, it } from 'vitest';
import { alertId } from './alert-factory.ts';
import { harness, iso, MINUTE, rulesById, SECOND, security } from './rules-test-kit.ts';
import { EXTRA_LEADING, MAX_PENDING_CLOSINGS } from './sequence-rule.ts';

const times = (n: number, step = 1, from = 0) => Array.from({ length: n }, (_, i) => from + i * step);
const failures = (at: number[], fields: Record<string, unknown> = {}) =>
  at.map((t) => security(t, { action: 'login_failure', ...fields }));
const success = (at: number, fields: Record<string, unknown> = {}) =>
  security(at, { action: 'login_success', ...fields });

describe('sequence rule security.brute-force-success (≥ 5 login_failure then a login_success for one userId within 10 min)', () => {
  const setup = (options = {}) => harness(rulesById('security.brute-force-success'), options);

  it('fires on the success after 5 failures, not after 4', () => {
    const { feed } = setup();
    expect(feed('security', [...failures(times(4, 10 * SECOND)), success(MINUTE)])).toEqual([]);
    const { feed: feed5 } = setup();
    const alerts = feed5('security', [...failures(times(5, 10 * SECOND)), success(MINUTE)]);
    expect(alerts).toMatchObject([
      {
        ruleId: 'security.brute-force-success',
        severity: 'critical',
        key: 'userId=u1',
        userId: 'u1',
        value: 5,
        threshold: 5,
        eventTime: iso(MINUTE),
        windowStart: iso(0),
        windowEnd: iso(10 * MINUTE),
      },
    ]);
    expect(alerts[0]?.id).toBe(
      alertId('security.brute-force-success', 'userId=u1', String(Date.parse(iso(MINUTE)))),
    );
    // The five failures, then the success.
    expect(alerts[0]?.evidence?.refs.map((r) => r.offset)).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(alerts[0]?.message).toMatch(
      /^5 security events with action = "login_failure" for userId=u1, then one with action = "login_success" 1m after the first/,
    );
  });

  it('needs the success strictly after the fifth failure in event time: the same millisecond does not count', () => {
    expect(setup().feed('security', [...failures(times(5, SECOND)), success(4 * SECOND)])).toEqual([]);
    expect(setup().feed('security', [...failures(times(5, SECOND)), success(4 * SECOND + 1)])).toHaveLength(
      1,
    );
  });

  it('needs the first failure less than 10 min before the success: 10 min − 1 ms fires, exactly 10 min does not', () => {
    const edge = (at: number) => [...failures([0, ...times(4, SECOND, 5 * MINUTE)]), success(at)];
    expect(setup().feed('security', edge(10 * MINUTE - 1))).toHaveLength(1);
    expect(setup().feed('security', edge(10 * MINUTE))).toEqual([]);
  });

  it('does not fire on a success before the failures, nor on failures alone', () => {
    const { feed } = setup();
    expect(feed('security', [success(0), ...failures(times(20, SECOND, SECOND))])).toEqual([]);
    expect(feed('security', [success(30 * SECOND)])).toHaveLength(1);
  });

  it('keeps users apart, and skips events without a userId', () => {
    const { feed } = setup();
    expect(feed('security', [...failures(times(5, SECOND)), success(10 * SECOND, { userId: 'u2' })])).toEqual(
      [],
    );
    expect(
      feed('security', [
        ...failures(times(5, SECOND, 20 * SECOND), { userId: undefined }),
        success(30 * SECOND, { userId: undefined }),
      ]),
    ).toEqual([]);
  });

  it('fires once per sequence: a second success needs five new failures', () => {
    const { feed } = setup();
    const first = feed('security', [
      ...failures(times(6, SECOND)),
      success(10 * SECOND),
      success(11 * SECOND),
    ]);
    expect(first.map((a) => a.value)).toEqual([6]);
    expect(feed('security', [...failures(times(4, SECOND, 20 * SECOND)), success(30 * SECOND)])).toEqual([]);
    const second = feed('security', [...failures([31 * SECOND]), success(32 * SECOND)]);
    expect(second.map((a) => a.eventTime)).toEqual([iso(32 * SECOND)]);
    expect(second[0]?.id).not.toBe(first[0]?.id);
  });

  it('uses event time: a failure arriving after the success, but dated before it within the lateness bound, completes it', () => {
    const { feed } = setup();
    expect(feed('security', [...failures(times(4, SECOND)), success(6 * SECOND)])).toEqual([]);
    const alerts = feed('security', failures([5 * SECOND]));
    expect(alerts).toMatchObject([{ eventTime: iso(6 * SECOND), value: 5, windowStart: iso(0) }]);
    // The same id as in order: the id is the success's time.
    const inOrder = setup().feed('security', [
      ...failures(times(6, SECOND).slice(0, 4)),
      ...failures([5 * SECOND]),
      success(6 * SECOND),
    ]);
    expect(inOrder.map((a) => a.id)).toEqual(alerts.map((a) => a.id));
  });

  it('drops and counts events older than the watermark', () => {
    const { engine, feed, evaluate } = setup();
    feed('security', [...failures(times(4, SECOND, 20 * SECOND)), success(30 * SECOND)]);
    // Newest 30 s, watermark 20 s: a failure from 15 s is late and does not complete the sequence.
    expect(evaluate('security', failures([15 * SECOND])[0]!)).toMatchObject({ alerts: [], late: true });
    expect(engine.stats().rules[0]).toMatchObject({ lateEvents: 1, alerts: 0 });
    const wide = setup({ allowedLatenessMs: 30 * SECOND });
    wide.feed('security', [...failures(times(4, SECOND, 20 * SECOND)), success(30 * SECOND)]);
    expect(wide.feed('security', failures([15 * SECOND]))).toHaveLength(1);
  });

  describe('memory bounds', () => {
    it('keeps at most 2 × threshold + 64 failures of a user under a flood, and still fires on the success', () => {
      const { engine, feed } = setup();
      expect(feed('security', failures(times(10_000, 10)))).toEqual([]);
      expect(engine.stats().rules[0]?.entries).toBeLessThanOrEqual(2 * 5 + EXTRA_LEADING);
      expect(feed('security', [success(100 * SECOND)])).toHaveLength(1);
    });

    it('keeps at most 16 successes waiting for a late failure, and none once the watermark passed them', () => {
      const { engine, feed } = setup();
      feed(
        'security',
        times(100, 10).map((t) => success(t)),
      );
      expect(engine.stats().rules[0]?.entries).toBe(MAX_PENDING_CLOSINGS);
      feed('security', [success(MINUTE, { userId: 'other' })]);
      expect(engine.stats().rules[0]?.entries).toBeLessThanOrEqual(1);
    });

    it('evicts the least recently updated user on probation beyond maxKeysPerRule', () => {
      const { engine, feed } = setup({ maxKeysPerRule: 2 });
      feed('security', [
        ...failures(times(3, 100), { userId: 'a' }),
        ...failures(times(3, 100, 1000), { userId: 'b' }),
        ...failures(times(3, 100, 2000), { userId: 'c' }),
      ]);
      // 'a' lost its three failures: two more and a success are not five.
      expect(
        feed('security', [...failures([3000, 3100], { userId: 'a' }), success(3200, { userId: 'a' })]),
      ).toEqual([]);
      expect(engine.stats().rules[0]).toMatchObject({ evictions: 2 });
    });

    it('keeps established users through a flood of one-event users', () => {
      const capacity = 100;
      const { engine, feed } = setup({ maxKeysPerRule: capacity });
      const legit = times(50).map((i) => `legit-${i}`);
      expect(
        feed(
          'security',
          times(5, 100).flatMap((t) => legit.flatMap((userId) => failures([t], { userId }))),
        ),
      ).toEqual([]);
      const flood = times(10 * capacity, 10, 2 * SECOND).flatMap((t, i) =>
        failures([t], { userId: `flood-${i}` }),
      );
      expect(feed('security', flood)).toEqual([]);
      const fired = feed(
        'security',
        legit.map((userId) => success(20 * SECOND, { userId })),
      ).map((a) => a.userId);
      expect(fired.sort()).toEqual([...legit].sort());
      expect(engine.stats().rules[0]).toMatchObject({ keys: capacity, demotions: 0 });
    });

    it('expires users once the watermark has passed their window', () => {
      const { engine, feed } = setup();
      feed(
        'security',
        times(100, 10).flatMap((t, i) => failures([t], { userId: `u-${i}` })),
      );
      expect(engine.stats().rules[0]?.keys).toBe(100);
      feed(
        'security',
        times(120, 10 * SECOND, 11 * MINUTE).flatMap((t) => failures([t], { userId: 'x' })),
      );
      expect(engine.stats().rules[0]).toMatchObject({ keys: 1, expired: 100 });
    });
  });
});
