import { describe, expect, it } from 'vitest';
import { alertId } from './alert-factory.ts';
import { harness, iso, MINUTE, rulesById, SECOND, security } from './rules-test-kit.ts';

const times = (n: number, step = 1, from = 0) => Array.from({ length: n }, (_, i) => from + i * step);
/** One login_failure per time, each for another user (u0, u1, …), from the default ip. */
const spray = (at: number[], fields: Record<string, unknown> = {}, firstUser = 0) =>
  at.map((t, i) => security(t, { userId: `u${firstUser + i}`, ...fields }));

describe('distinct rule security.password-spray (login_failure for ≥ 10 distinct userIds from one ip within 5 min)', () => {
  const setup = (options = {}) => harness(rulesById('security.password-spray'), options);

  it('fires on the 10th distinct user, not on the 9th', () => {
    const { feed } = setup();
    expect(feed('security', spray(times(9, 20 * SECOND)))).toEqual([]);
    const alerts = feed('security', spray([180 * SECOND], {}, 9));
    expect(alerts).toMatchObject([
      {
        ruleId: 'security.password-spray',
        severity: 'high',
        key: 'ip=10.0.0.7',
        value: 10,
        threshold: 10,
        windowStart: iso(0),
        windowEnd: iso(5 * MINUTE),
        eventTime: iso(180 * SECOND),
      },
    ]);
    expect(alerts[0]?.id).toBe(alertId('security.password-spray', 'ip=10.0.0.7', String(Date.parse(iso(0)))));
    expect(alerts[0]?.evidence?.refs).toHaveLength(10);
    expect(alerts[0]?.message).toMatch(
      /^10 distinct userId in security events with action = "login_failure"/,
    );
  });

  it('counts a user tried again and again once', () => {
    const { feed } = setup();
    const retries = times(9).flatMap((u) =>
      times(5, SECOND, u * 10 * SECOND).map((t) => security(t, { userId: `u${u}` })),
    );
    expect(feed('security', retries)).toEqual([]);
    expect(feed('security', [security(100 * SECOND, { userId: 'u-new' })])).toHaveLength(1);
  });

  it('needs the ten within 5 min: 5 min − 1 ms fires, exactly 5 min does not', () => {
    const edge = (last: number) => [...spray(times(9, SECOND)), security(last, { userId: 'u-last' })];
    expect(setup().feed('security', edge(5 * MINUTE - 1))).toHaveLength(1);
    expect(setup().feed('security', edge(5 * MINUTE))).toEqual([]);
  });

  it('counts only login_failure, and skips events without a userId', () => {
    const { feed } = setup();
    expect(feed('security', spray(times(20, SECOND), { action: 'login_success' }))).toEqual([]);
    expect(
      feed(
        'security',
        times(20, SECOND, MINUTE).map((t) => security(t, { userId: undefined })),
      ),
    ).toEqual([]);
  });

  it('fires once per window for a long spray, then again in the next window, with new users', () => {
    const { feed } = setup();
    // A new user every 10 s for 12 minutes: windows [0, 5 min), [5 min, 10 min), then 10 min onwards.
    const alerts = feed('security', spray(times(72, 10 * SECOND)));
    expect(alerts.map((a) => a.windowStart)).toEqual([iso(0), iso(5 * MINUTE), iso(10 * MINUTE)]);
    expect(new Set(alerts.map((a) => a.id)).size).toBe(3);
  });

  it('forgets the users of a window that fired: the same ten again in the next window count again', () => {
    const { feed } = setup();
    expect(feed('security', spray(times(10, SECOND)))).toHaveLength(1);
    expect(feed('security', spray(times(9, SECOND, 5 * MINUTE)))).toEqual([]);
    expect(feed('security', spray([5 * MINUTE + 20 * SECOND], {}, 9)).map((a) => a.windowStart)).toEqual([
      iso(5 * MINUTE),
    ]);
  });

  it('keeps ips independent', () => {
    const { feed } = setup();
    const both = times(9, SECOND).flatMap((t, i) => [
      security(t, { userId: `u${i}` }),
      security(t, { userId: `u${i}`, ip: '10.9.9.9' }),
    ]);
    expect(feed('security', both)).toEqual([]);
    const alerts = feed('security', [
      security(10 * SECOND, { userId: 'u9' }),
      security(10 * SECOND, { userId: 'u9', ip: '10.9.9.9' }),
    ]);
    expect(alerts.map((a) => a.key)).toEqual(['ip=10.0.0.7', 'ip=10.9.9.9']);
  });

  it('uses event time: out-of-order arrival within the lateness bound counts, the window starts at the earliest', () => {
    const { feed } = setup();
    // Pairs swapped: 1, 0, 3, 2, …; each within 1 s of the newest.
    const order = times(10, 1).map((i) => (i % 2 === 0 ? i + 1 : i - 1));
    const alerts = feed(
      'security',
      order.map((i) => security(i * SECOND, { userId: `u${i}` })),
    );
    expect(alerts.map((a) => a.windowStart)).toEqual([iso(0)]);
  });

  it('drops and counts events older than the watermark', () => {
    const { engine, feed, evaluate } = setup();
    feed('security', spray(times(9, SECOND, 20 * SECOND)));
    // Newest 28 s, watermark 18 s: a failure from 5 s is late and does not make ten.
    expect(evaluate('security', security(5 * SECOND, { userId: 'u-late' }))).toMatchObject({
      alerts: [],
      late: true,
    });
    expect(engine.stats().rules[0]).toMatchObject({ lateEvents: 1, alerts: 0 });
    // With 30 s of lateness the same event completes the window.
    const wide = setup({ allowedLatenessMs: 30 * SECOND });
    wide.feed('security', spray(times(9, SECOND, 20 * SECOND)));
    expect(wide.feed('security', [security(5 * SECOND, { userId: 'u-late' })])).toHaveLength(1);
  });

  describe('memory bounds', () => {
    it('holds at most threshold values per key: below it, values leave with the window', () => {
      const { engine, feed } = setup();
      // A new user every 40 s for an hour: 8 in any 5 min, never 10.
      expect(feed('security', spray(times(90, 40 * SECOND)))).toEqual([]);
      expect(engine.stats().rules[0]?.entries).toBeLessThanOrEqual(9);
    });

    it('holds no values after firing, however many users the spray goes on with', () => {
      const { engine, feed } = setup();
      expect(feed('security', spray(times(1000, 100)))).toHaveLength(1); // 1000 users in 100 s
      expect(engine.stats().rules[0]?.entries).toBe(0);
    });

    it('evicts the least recently updated ip on probation beyond maxKeysPerRule', () => {
      const { engine, feed } = setup({ maxKeysPerRule: 2 });
      feed('security', [
        ...spray(times(5, 100), { ip: 'a' }),
        ...spray(times(5, 100, 1000), { ip: 'b' }),
        ...spray(times(5, 100, 2000), { ip: 'c' }),
      ]);
      // 'a' lost its five users to the eviction: five more are not ten.
      expect(feed('security', spray(times(5, 100, 3000), { ip: 'a' }, 5))).toEqual([]);
      expect(engine.stats().rules[0]).toMatchObject({ keys: 2, evictions: 2 });
    });

    it('keeps established ips through a flood of one-event ips', () => {
      const capacity = 100;
      const { engine, feed } = setup({ maxKeysPerRule: capacity });
      const legit = times(50).map((i) => `10.1.0.${i}`);
      const sprayAll = (from: number, firstUser: number) =>
        times(5, 100, from).flatMap((t, u) =>
          legit.map((ip) => security(t, { ip, userId: `u${firstUser + u}` })),
        );
      expect(feed('security', sprayAll(0, 0))).toEqual([]);
      const flood = times(10 * capacity, 10, 2 * SECOND).map((t, i) => security(t, { ip: `flood-${i}` }));
      expect(feed('security', flood)).toEqual([]);
      expect(
        feed('security', sprayAll(20 * SECOND, 5))
          .map((a) => a.key)
          .sort(),
      ).toEqual(legit.map((ip) => `ip=${ip}`).sort());
      expect(engine.stats().rules[0]).toMatchObject({ keys: capacity, demotions: 0 });
    });

    it('expires ips once the watermark has passed their window', () => {
      const { engine, feed } = setup();
      feed(
        'security',
        times(100, 10).map((t, i) => security(t, { ip: `ip-${i}` })),
      );
      expect(engine.stats().rules[0]?.keys).toBe(100);
      feed(
        'security',
        times(120, SECOND, 6 * MINUTE).map((t) => security(t, { ip: 'x', userId: 'same' })),
      );
      expect(engine.stats().rules[0]).toMatchObject({ keys: 1, expired: 100 });
    });
  });
});
