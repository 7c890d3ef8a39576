import { describe, expect, it } from 'vitest';
import { alertId } from './alert-factory.ts';
import { harness, iso, log, MINUTE, rulesById, SECOND, security, transaction } from './rules-test-kit.ts';

const times = (n: number, step: number, from = 0) => Array.from({ length: n }, (_, i) => from + i * step);

describe('count rules', () => {
  describe('logs.error-spike (≥ 20 ERROR/CRITICAL per service within 3 min)', () => {
    const setup = () => harness(rulesById('logs.error-spike'));

    it('fires on the 20th error within 3 min, not on the 19th', () => {
      const { feed } = setup();
      expect(
        feed(
          'logs',
          times(19, SECOND).map((t) => log(t)),
        ),
      ).toEqual([]);
      const [alert, ...rest] = feed('logs', [log(19 * SECOND, { level: 'CRITICAL' })]);
      expect(rest).toEqual([]);
      expect(alert).toMatchObject({
        ruleId: 'logs.error-spike',
        severity: 'high',
        key: 'service=payments',
        service: 'payments',
        value: 20,
        threshold: 20,
        windowStart: iso(0),
        windowEnd: iso(3 * MINUTE),
        eventTime: iso(19 * SECOND),
      });
      expect(alert?.id).toBe(alertId('logs.error-spike', 'service=payments', String(Date.parse(iso(0)))));
      expect(alert?.evidence?.refs).toHaveLength(20);
    });

    it('counts 20 events spanning 3 min minus 1 ms, but not exactly 3 min', () => {
      const edge = (last: number) => [...times(19, SECOND).map((t) => log(t)), log(last)];
      expect(setup().feed('logs', edge(3 * MINUTE - 1))).toHaveLength(1);
      expect(setup().feed('logs', edge(3 * MINUTE))).toEqual([]);
    });

    it('ignores DEBUG, INFO and WARN', () => {
      const levels = ['DEBUG', 'INFO', 'WARN'];
      const noise = times(60, SECOND).map((t, i) => log(t, { level: levels[i % 3] }));
      expect(setup().feed('logs', noise)).toEqual([]);
    });

    it('fires once per window for a flood, then again in the next window', () => {
      const { feed } = setup();
      // One error per second for 9 minutes: three disjoint 3-minute windows.
      const alerts = feed(
        'logs',
        times(9 * 60, SECOND).map((t) => log(t)),
      );
      expect(alerts.map((a) => a.windowStart)).toEqual([iso(0), iso(3 * MINUTE), iso(6 * MINUTE)]);
      expect(new Set(alerts.map((a) => a.id)).size).toBe(3);
    });

    it('keeps services independent', () => {
      const { feed } = setup();
      const both = times(19, SECOND).flatMap((t) => [log(t), log(t, { service: 'checkout' })]);
      expect(feed('logs', both)).toEqual([]);
      const alerts = feed('logs', [log(20 * SECOND), log(20 * SECOND, { service: 'checkout' })]);
      expect(alerts.map((a) => a.key)).toEqual(['service=payments', 'service=checkout']);
      expect(alerts[0]?.id).not.toBe(alerts[1]?.id);
    });

    it('uses event time: out-of-order arrival within the lateness bound counts', () => {
      const { feed } = setup();
      // Pairs swapped: 1, 0, 3, 2, …; every event is within 1 s of the newest.
      const order = times(20, 1).map((i) => (i % 2 === 0 ? i + 1 : i - 1));
      const alerts = feed(
        'logs',
        order.map((i) => log(i * SECOND)),
      );
      expect(alerts).toHaveLength(1);
      expect(alerts[0]?.windowStart).toBe(iso(0));
    });

    it('lets a late-arriving event inside the window complete it', () => {
      const { feed } = setup();
      expect(
        feed(
          'logs',
          times(19, SECOND, 170 * SECOND).map((t) => log(t)),
        ),
      ).toEqual([]);
      // Newest is 188 s, watermark 178 s: an event from 180.5 s is out of order but on time.
      expect(feed('logs', [log(180_500)])).toHaveLength(1);
    });

    it('drops and counts events older than the watermark', () => {
      const { engine, feed, evaluate } = setup();
      feed(
        'logs',
        times(19, SECOND, SECOND).map((t) => log(t)),
      );
      const result = evaluate('logs', log(0)); // watermark is 19 s − 10 s = 9 s
      expect(result).toMatchObject({ alerts: [], late: true });
      expect(engine.stats()).toMatchObject({
        lateEvents: 1,
        rules: [{ ruleId: 'logs.error-spike', lateEvents: 1 }],
      });
    });

    it('accepts that same event with a larger lateness bound', () => {
      const { feed } = harness(rulesById('logs.error-spike'), { allowedLatenessMs: 30 * SECOND });
      feed(
        'logs',
        times(19, SECOND, SECOND).map((t) => log(t)),
      );
      expect(feed('logs', [log(0)]).map((a) => a.windowStart)).toEqual([iso(0)]);
    });
  });

  describe('logs.user-error-spike (≥ 10 ERROR/CRITICAL per userId within 3 min)', () => {
    const setup = () => harness(rulesById('logs.user-error-spike'));

    it('fires on the 10th, not the 9th, keyed by userId', () => {
      const { feed } = setup();
      expect(
        feed(
          'logs',
          times(9, 10 * SECOND).map((t) => log(t)),
        ),
      ).toEqual([]);
      expect(feed('logs', [log(100 * SECOND)])).toMatchObject([
        { key: 'userId=u1', userId: 'u1', value: 10 },
      ]);
    });

    it('does not count logs without a userId', () => {
      const { feed } = setup();
      expect(
        feed(
          'logs',
          times(30, SECOND).map((t) => log(t, { userId: undefined })),
        ),
      ).toEqual([]);
    });

    it('keeps users independent and fires once per window each', () => {
      const { feed } = setup();
      const events = times(40, SECOND).map((t, i) => log(t, { userId: i % 2 === 0 ? 'u1' : 'u2' }));
      expect(feed('logs', events).map((a) => a.key)).toEqual(['userId=u1', 'userId=u2']);
    });
  });

  describe('transactions.user-frequency (≥ 5 per userId within 5 min)', () => {
    const setup = () => harness(rulesById('transactions.user-frequency'));

    it('fires on the 5th transaction within 5 min, not the 4th', () => {
      const { feed } = setup();
      expect(
        feed(
          'transactions',
          times(4, MINUTE).map((t) => transaction(t)),
        ),
      ).toEqual([]);
      const alerts = feed('transactions', [transaction(5 * MINUTE - 1)]);
      expect(alerts).toMatchObject([{ key: 'userId=u1', value: 5, threshold: 5, severity: 'medium' }]);
    });

    it('does not fire for 5 transactions spanning exactly 5 min', () => {
      const { feed } = setup();
      expect(
        feed(
          'transactions',
          times(5, 75 * SECOND).map((t) => transaction(t)),
        ),
      ).toEqual([]);
    });

    it('slides: the window may start at any transaction', () => {
      const { feed } = setup();
      // No five within 5 min starting at 0, but [2 min, 7 min) holds five.
      const events = [0, 2, 3, 4, 5.5, 6].map((m) => transaction(m * MINUTE));
      expect(feed('transactions', events).map((a) => a.windowStart)).toEqual([iso(2 * MINUTE)]);
    });

    it('fires once for a burst of 50', () => {
      const { feed } = setup();
      expect(
        feed(
          'transactions',
          times(50, SECOND).map((t) => transaction(t)),
        ),
      ).toHaveLength(1);
    });
  });

  describe('security.login-failures (≥ 5 login_failure per userId or per ip within 1 min)', () => {
    const setup = () => harness(rulesById('security.login-failures'));

    it('counts userId and ip separately: one user, one ip → two alerts on the 5th', () => {
      const { feed } = setup();
      expect(
        feed(
          'security',
          times(4, SECOND).map((t) => security(t)),
        ),
      ).toEqual([]);
      const alerts = feed('security', [security(4 * SECOND)]);
      expect(alerts.map((a) => a.key)).toEqual(['userId=u1', 'ip=10.0.0.7']);
    });

    it('fires for the ip alone when users vary (credential stuffing)', () => {
      const { feed } = setup();
      const events = times(5, SECOND).map((t, i) => security(t, { userId: `u${i}` }));
      expect(feed('security', events).map((a) => a.key)).toEqual(['ip=10.0.0.7']);
    });

    it('fires for the user alone when ips vary, and counts events without userId for the ip only', () => {
      const { feed } = setup();
      const spread = times(5, SECOND).map((t, i) => security(t, { ip: `10.0.1.${i}` }));
      expect(feed('security', spread).map((a) => a.key)).toEqual(['userId=u1']);
      const anonymous = times(5, SECOND, MINUTE).map((t) =>
        security(t, { ip: '10.0.2.1', userId: undefined }),
      );
      expect(feed('security', anonymous).map((a) => a.key)).toEqual(['ip=10.0.2.1']);
    });

    it('ignores other actions and respects the 1-minute edge', () => {
      const other = times(10, SECOND).map((t) => security(t, { action: 'login_success' }));
      expect(setup().feed('security', other)).toEqual([]);
      const edge = (last: number) => [...times(4, SECOND).map((t) => security(t)), security(last)];
      expect(setup().feed('security', edge(MINUTE - 1))).toHaveLength(2);
      expect(setup().feed('security', edge(MINUTE))).toEqual([]);
    });
  });

  describe('memory bounds', () => {
    it('evicts the least recently updated key on probation beyond maxKeysPerRule and counts it', () => {
      const { engine, feed } = harness(rulesById('logs.error-spike'), { maxKeysPerRule: 2 });
      const burst = (service: string, from: number) => times(10, 100, from).map((t) => log(t, { service }));
      feed('logs', [...burst('a', 0), ...burst('b', 1000), ...burst('c', 2000)]);
      // 'a' lost its 10 errors to the eviction: 10 more are not 20.
      expect(feed('logs', burst('a', 3000))).toEqual([]);
      expect(engine.stats().rules[0]).toMatchObject({ keys: 2, evictions: 2 });
    });

    it('keeps every established key through a flood of 10× maxKeysPerRule one-event keys', () => {
      const capacity = 100;
      const { engine, feed } = harness(rulesById('logs.error-spike'), { maxKeysPerRule: capacity });
      const legit = Array.from({ length: 50 }, (_, i) => `legit-${i}`);
      const errors = (from: number) =>
        times(10, 100, from).flatMap((t) => legit.map((service) => log(t, { service })));
      expect(feed('logs', errors(0))).toEqual([]);
      const flood = times(10 * capacity, 10, 2 * SECOND).map((t, i) => log(t, { service: `flood-${i}` }));
      expect(feed('logs', flood)).toEqual([]);
      // Still within 3 min of their first errors: 10 more make 20 for every established service.
      const fired = feed('logs', errors(20 * SECOND)).map((a) => a.service);
      expect(fired.sort()).toEqual([...legit].sort());
      expect(engine.stats().rules[0]).toMatchObject({
        keys: capacity,
        evictions: 10 * capacity - (capacity - legit.length),
        demotions: 0,
      });
    });

    it('expires keys once the watermark has passed their window', () => {
      const { engine, feed } = harness(rulesById('logs.error-spike'));
      feed(
        'logs',
        times(100, 10).map((t, i) => log(t, { service: `s${i}` })),
      );
      expect(engine.stats().rules[0]?.keys).toBe(100);
      // Advance event time past 3 min + lateness with one more service; sweeps run as the watermark moves.
      feed(
        'logs',
        times(60, SECOND, 4 * MINUTE).map((t) => log(t, { service: 'x', level: 'INFO' })),
      );
      feed(
        'logs',
        times(60, SECOND, 4 * MINUTE).map((t) => log(t, { service: 'x' })),
      );
      expect(engine.stats().rules[0]).toMatchObject({ keys: 1, expired: 100 });
    });

    it('holds a bounded number of timestamps for a key that stays just below its threshold', () => {
      const { engine, feed } = harness(rulesById('logs.error-spike'));
      // One error every 10 s for an hour: 19 per 190 s, never 20 within 3 min.
      const events = times(360, 10 * SECOND).map((t) => log(t));
      expect(feed('logs', events)).toEqual([]);
      // Only times after watermark − 3 min can still share a window: 180 s + 10 s lateness → 19 or 20.
      expect(engine.stats().rules[0]?.entries).toBeLessThanOrEqual(20);
    });
  });
});
