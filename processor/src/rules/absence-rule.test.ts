import { describe, expect, it } from 'vitest';
import { alertId } from './alert-factory.ts';
import { harness, iso, MINUTE, metric, rulesById, SECOND, T0 } from './rules-test-kit.ts';

const times = (n: number, step = 1, from = 0) => Array.from({ length: n }, (_, i) => from + i * step);
/** One sample of `host` per time. */
const samples = (host: string, at: number[]) => at.map((t) => metric(t, { host }));
const LATENESS = 10 * SECOND;
const idOf = (host: string, last: number) =>
  alertId('metrics.host-silent', `host=${host}`, String(Date.parse(iso(last))));

describe('absence rule metrics.host-silent (a host that sent metrics sends none for 2 min)', () => {
  /** An engine whose clock follows event time, as in live operation: now = the newest sample's time. */
  const setup = (options = {}) => {
    const h = harness(rulesById('metrics.host-silent'), options);
    h.clock.now = T0;
    const feed = (events: ReturnType<typeof metric>[]) =>
      events.flatMap((e) => {
        h.clock.now = Math.max(h.clock.now, Date.parse(String(e.ts)));
        return h.evaluate('metrics', e).alerts;
      });
    return { ...h, feed };
  };

  describe('on event time (other hosts move the watermark on)', () => {
    it('fires when the watermark reaches last sample + 2 min, not a millisecond before', () => {
      const { feed } = setup();
      expect(feed([...samples('a', [0]), ...samples('b', times(13, 10 * SECOND))])).toEqual([]);
      // Watermark = newest − 10 s lateness: a sample of b at 2 min 10 s − 1 ms leaves it at 2 min − 1 ms.
      expect(feed(samples('b', [2 * MINUTE + LATENESS - 1]))).toEqual([]);
      const alerts = feed(samples('b', [2 * MINUTE + LATENESS]));
      expect(alerts).toMatchObject([
        {
          ruleId: 'metrics.host-silent',
          severity: 'high',
          key: 'host=a',
          service: 'payments',
          value: 2 * MINUTE,
          threshold: 2 * MINUTE,
          eventTime: iso(2 * MINUTE),
          windowStart: iso(0),
          windowEnd: iso(2 * MINUTE),
        },
      ]);
      expect(alerts[0]?.id).toBe(idOf('a', 0));
      expect(alerts[0]?.message).toMatch(/^host=a sent no metrics events since .*; detected on event time$/);
      expect(alerts[0]?.evidence?.refs).toEqual([{ topic: 'events.metrics', partition: 0, offset: '0' }]);
    });

    it('fires when the host itself comes back 2 min or more later, not 1 ms sooner', () => {
      const back = (gap: number) => setup().feed(samples('a', [0, 10 * SECOND, 10 * SECOND + gap]));
      expect(back(2 * MINUTE - 1)).toEqual([]);
      const [alert, ...rest] = back(2 * MINUTE);
      expect(rest).toEqual([]);
      expect(alert).toMatchObject({ key: 'host=a', value: 2 * MINUTE, windowStart: iso(10 * SECOND) });
      expect(alert?.id).toBe(idOf('a', 10 * SECOND));
      expect(alert?.message).toMatch(/detected on event time, when it came back$/);
    });

    it('fires once per silence episode; a host that comes back and goes silent again fires again', () => {
      const { feed } = setup();
      const b = samples('b', times(60, 10 * SECOND)); // 10 minutes of b
      const a = samples('a', [0, 5 * MINUTE]); // a: silent from 0, back at 5 min, silent again
      const alerts = feed([...b, ...a].sort((x, y) => Date.parse(String(x.ts)) - Date.parse(String(y.ts))));
      expect(alerts.map((x) => [x.key, x.windowStart])).toEqual([
        ['host=a', iso(0)],
        ['host=a', iso(5 * MINUTE)],
      ]);
    });

    it('gives the same id whether event time or the host coming back saw it first', () => {
      const byWatermark = setup().feed([...samples('a', [0]), ...samples('b', [3 * MINUTE])]);
      const byReturn = setup().feed(samples('a', [0, 3 * MINUTE]));
      expect(byWatermark.map((x) => x.id)).toEqual([idOf('a', 0)]);
      expect(byReturn.map((x) => x.id)).toEqual([idOf('a', 0)]);
    });

    it('uses event time: a sample arriving out of order within the lateness bound keeps the host alive', () => {
      const { feed } = setup();
      // b's sample at 2 min 5 s arrives first; a's sample from 1 min 58 s, 7 s older, is still on time.
      expect(
        feed([
          ...samples('a', [0]),
          ...samples('b', [2 * MINUTE + 5 * SECOND]),
          ...samples('a', [118 * SECOND]),
        ]),
      ).toEqual([]);
      // An older sample of a arriving later does not move its last sample back.
      expect(feed(samples('a', [115 * SECOND]))).toEqual([]);
      expect(feed(samples('c', [118 * SECOND + 2 * MINUTE + LATENESS])).map((x) => x.key)).toEqual([
        'host=a',
      ]);
    });

    it('drops and counts samples older than the watermark: a late sample does not keep the host alive', () => {
      const { feed, evaluate, engine } = setup();
      feed([...samples('a', [0]), ...samples('b', [100 * SECOND])]);
      expect(evaluate('metrics', metric(80 * SECOND, { host: 'a' }))).toMatchObject({ late: true });
      expect(engine.stats().rules[0]).toMatchObject({ lateEvents: 1 });
      expect(feed(samples('b', [2 * MINUTE + LATENESS])).map((x) => x.windowStart)).toEqual([iso(0)]);
    });
  });

  describe('on wall-clock idleness (the whole source stops)', () => {
    it('fires once event time extended by the idle wall-clock time passes last sample + 2 min, and says so', () => {
      const { feed, engine, clock } = setup();
      feed([...samples('a', [0]), ...samples('b', [30 * SECOND])]);
      // Watermark 20 s (newest 30 s − lateness); a is due at 2 min: after 100 s without any event.
      clock.now = T0 + 30 * SECOND + 100 * SECOND - 1;
      expect(engine.tick()).toEqual([]);
      clock.now += 1;
      const [alert, ...rest] = engine.tick();
      expect(rest).toEqual([]);
      expect(alert).toMatchObject({ key: 'host=a', eventTime: iso(2 * MINUTE), ingestedAt: null });
      expect(alert?.id).toBe(idOf('a', 0));
      expect(alert?.message).toMatch(
        /^host=a sent no metrics events since .*, and the source has sent nothing at all for 1m 40s of wall-clock time .*; detected on wall-clock idleness$/,
      );
      // b is due 30 s later; then nothing more, however long the silence lasts.
      expect(engine.tick()).toEqual([]);
      clock.now += 30 * SECOND;
      expect(engine.tick().map((x) => x.key)).toEqual(['host=b']);
      clock.now += 60 * MINUTE;
      expect(engine.tick()).toEqual([]);
      expect(engine.stats().rules[0]).toMatchObject({ keys: 0, alerts: 2 });
    });

    it('gives the id the event-time path gives, so a redelivery or a crash before writing cannot duplicate it', () => {
      const idle = setup();
      idle.feed(samples('a', [0]));
      idle.clock.now = T0 + 10 * MINUTE;
      const byClock = idle.engine.tick();
      const byEventTime = setup().feed(samples('a', [0, 10 * MINUTE]));
      expect(byClock.map((x) => x.id)).toEqual(byEventTime.map((x) => x.id));
      // A fresh engine fed the same sample (a redelivery after a restart) and idle again: the same id.
      const again = setup();
      again.feed(samples('a', [0]));
      again.clock.now = T0 + 60 * MINUTE;
      expect(again.engine.tick().map((x) => x.id)).toEqual(byClock.map((x) => x.id));
    });

    it('does nothing while the source is quiet for no longer than the lateness bound', () => {
      const { feed, engine, clock } = setup({ allowedLatenessMs: 0 });
      feed(samples('a', [0]));
      clock.now = T0 + 2 * MINUTE;
      expect(engine.tick()).toHaveLength(1); // no lateness: idle at once
      const strict = setup();
      strict.feed([...samples('a', [0]), ...samples('b', [2 * MINUTE + 5 * SECOND])]);
      strict.clock.now = T0 + 2 * MINUTE + 5 * SECOND + LATENESS; // idle exactly the lateness bound
      expect(strict.engine.tick()).toEqual([]);
    });

    it('treats samples dated before what it already called silent as late, and starts over with fresh ones', () => {
      const { feed, engine, clock, evaluate } = setup();
      feed(samples('a', [0]));
      clock.now = T0 + 5 * MINUTE;
      expect(engine.tick()).toHaveLength(1);
      // The source resumes with a buffered sample from 1 min: a was silent, and stays called so.
      expect(evaluate('metrics', metric(MINUTE, { host: 'a' })).alerts).toEqual([]);
      expect(engine.stats().rules[0]).toMatchObject({ lateEvents: 1, keys: 0 });
      expect(feed(samples('a', [5 * MINUTE, 8 * MINUTE])).map((x) => x.windowStart)).toEqual([
        iso(5 * MINUTE),
      ]);
    });

    it('ticks without an event or an absence rule cost nothing and fire nothing', () => {
      expect(setup().engine.tick()).toEqual([]);
      const other = harness(rulesById('logs.error-spike'));
      other.clock.now = T0 + 60 * MINUTE;
      expect(other.engine.tick()).toEqual([]);
    });
  });

  describe('memory bounds', () => {
    it('holds one record per live host; hosts that fired are dropped', () => {
      const { feed, engine } = setup();
      feed(times(100).map((i) => metric(i, { host: `h${i}` })));
      expect(engine.stats().rules[0]).toMatchObject({ keys: 100, entries: 100 });
      expect(feed(samples('x', [3 * MINUTE]))).toHaveLength(100);
      expect(engine.stats().rules[0]).toMatchObject({ keys: 1, expired: 100 });
    });

    it('evicts the least recently updated host on probation beyond maxKeysPerRule: it can no longer fire', () => {
      const { feed, engine } = setup({ maxKeysPerRule: 2 });
      feed([...samples('a', [0]), ...samples('b', [100]), ...samples('c', [200])]);
      expect(engine.stats().rules[0]).toMatchObject({ keys: 2, evictions: 1 });
      expect(feed(samples('d', [3 * MINUTE])).map((x) => x.key)).toEqual(['host=b', 'host=c']);
    });

    it('keeps established hosts through a flood of one-sample hosts, and they still fire', () => {
      const capacity = 100;
      const { feed } = setup({ maxKeysPerRule: capacity });
      const legit = times(50).map((i) => `legit-${i}`);
      feed(times(2, 100).flatMap((t) => legit.map((host) => metric(t, { host }))));
      feed(times(10 * capacity, 10, SECOND).map((t, i) => metric(t, { host: `flood-${i}` })));
      const fired = feed(samples('x', [5 * MINUTE])).map((x) => x.key);
      expect(legit.every((host) => fired.includes(`host=${host}`))).toBe(true);
    });
  });
});
