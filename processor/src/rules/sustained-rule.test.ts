import { describe, expect, it } from 'vitest';
import { harness, iso, MINUTE, metric, rulesById, SECOND } from './rules-test-kit.ts';

/** One sample per [offset ms, cpu] pair, for host pay-1 unless given. */
const samples = (pairs: [number, number][], host = 'pay-1') =>
  pairs.map(([t, cpu]) => metric(t, { cpu, host }));
const every = (step: number, from: number, to: number, cpu: number): [number, number][] => {
  const out: [number, number][] = [];
  for (let t = from; t <= to; t += step) out.push([t, cpu]);
  return out;
};

describe('sustained rule metrics.cpu-sustained (cpu ≥ 80 on every sample for ≥ 2 min, ≥ 3 samples, per host)', () => {
  const setup = () => harness(rulesById('metrics.cpu-sustained'));

  it('fires when three samples at exactly 80 span exactly 2 min', () => {
    const { feed } = setup();
    const alerts = feed(
      'metrics',
      samples([
        [0, 80],
        [MINUTE, 80],
        [2 * MINUTE, 80],
      ]),
    );
    expect(alerts).toMatchObject([
      {
        ruleId: 'metrics.cpu-sustained',
        severity: 'high',
        key: 'host=pay-1',
        service: 'payments',
        value: 80,
        threshold: 80,
        windowStart: iso(0),
        windowEnd: iso(2 * MINUTE),
        eventTime: iso(2 * MINUTE),
      },
    ]);
    expect(alerts[0]?.evidence?.refs).toHaveLength(3);
    expect(alerts[0]?.message).toMatch(/cpu ≥ 80 on all 3 samples of host=pay-1 for 2m/);
  });

  it('does not fire one millisecond short of 2 min, nor just below 80', () => {
    expect(
      setup().feed(
        'metrics',
        samples([
          [0, 90],
          [MINUTE, 90],
          [2 * MINUTE - 1, 90],
        ]),
      ),
    ).toEqual([]);
    expect(
      setup().feed(
        'metrics',
        samples([
          [0, 90],
          [MINUTE, 79.9],
          [2 * MINUTE, 90],
        ]),
      ),
    ).toEqual([]);
  });

  it('needs three samples even when two span the duration', () => {
    const { feed } = setup();
    expect(
      feed(
        'metrics',
        samples([
          [0, 95],
          [2 * MINUTE, 95],
        ]),
      ),
    ).toEqual([]);
    expect(feed('metrics', samples([[2 * MINUTE + 10 * SECOND, 95]]))).toMatchObject([
      { windowStart: iso(0) },
    ]);
  });

  it('restarts the run after a sample below the threshold', () => {
    const { feed } = setup();
    const alerts = feed(
      'metrics',
      samples([
        [0, 90],
        [MINUTE, 79],
        [2 * MINUTE, 90],
        [3 * MINUTE, 90],
        [4 * MINUTE, 90],
      ]),
    );
    expect(alerts.map((a) => a.windowStart)).toEqual([iso(2 * MINUTE)]);
  });

  it('reports the lowest sample of the run as the value', () => {
    const alerts = setup().feed(
      'metrics',
      samples([
        [0, 99],
        [MINUTE, 83.5],
        [2 * MINUTE, 97],
      ]),
    );
    expect(alerts[0]?.value).toBe(83.5);
  });

  it('fires once per run however long it lasts, and again for a new run', () => {
    const { feed } = setup();
    const first = feed('metrics', samples(every(10 * SECOND, 0, 10 * MINUTE, 95)));
    expect(first).toHaveLength(1);
    const second = feed(
      'metrics',
      samples([[10 * MINUTE + 10 * SECOND, 40], ...every(10 * SECOND, 11 * MINUTE, 14 * MINUTE, 95)]),
    );
    expect(second.map((a) => a.windowStart)).toEqual([iso(11 * MINUTE)]);
    expect(second[0]?.id).not.toBe(first[0]?.id);
  });

  it('treats a silence longer than the duration as the end of a run', () => {
    const { feed } = setup();
    expect(
      feed(
        'metrics',
        samples([
          [0, 90],
          [MINUTE, 90],
          [6 * MINUTE, 90],
          [7 * MINUTE, 90],
        ]),
      ),
    ).toEqual([]);
    expect(feed('metrics', samples([[8 * MINUTE, 90]]))).toMatchObject([{ windowStart: iso(6 * MINUTE) }]);
  });

  it('keeps hosts independent', () => {
    const { feed } = setup();
    const mixed = every(MINUTE, 0, 2 * MINUTE, 90).flatMap(([t]) => [
      metric(t, { cpu: 90, host: 'pay-1' }),
      metric(t, { cpu: t === MINUTE ? 50 : 90, host: 'pay-2' }),
    ]);
    expect(feed('metrics', mixed).map((a) => a.key)).toEqual(['host=pay-1']);
  });

  describe('event time', () => {
    it('places an out-of-order low sample where it belongs in event time', () => {
      // In time order: high until 100 s, low at 105 s, high from 115 s; arrival swaps 105 s and 115 s.
      const pairs: [number, number][] = [...every(10 * SECOND, 0, 100 * SECOND, 90), [115 * SECOND, 90]];
      const arrivals = [
        ...pairs,
        [105 * SECOND, 50] as [number, number],
        ...every(10 * SECOND, 125 * SECOND, 245 * SECOND, 90),
      ];
      const alerts = setup().feed('metrics', samples(arrivals));
      expect(alerts.map((a) => a.windowStart)).toEqual([iso(115 * SECOND)]);
    });

    it('gives the same alerts for in-order and locally shuffled arrival', () => {
      const ordered = every(5 * SECOND, 0, 4 * MINUTE, 90);
      const shuffled = ordered.map(
        (_, i) => ordered[i % 2 === 0 ? Math.min(i + 1, ordered.length - 1) : i - 1]!,
      );
      shuffled[ordered.length - 1] = ordered[ordered.length - 1]!;
      const a = setup().feed('metrics', samples(ordered));
      const b = setup().feed('metrics', samples(shuffled));
      expect(b.map((x) => x.id)).toEqual(a.map((x) => x.id));
      expect(a).toHaveLength(1);
    });

    it('drops and counts samples older than the watermark', () => {
      const { engine, feed, evaluate } = setup();
      feed('metrics', samples(every(10 * SECOND, 0, MINUTE, 90)));
      expect(evaluate('metrics', metric(20 * SECOND, { cpu: 10 }))).toMatchObject({ late: true, alerts: [] });
      expect(engine.stats().rules[0]?.lateEvents).toBe(1);
      // The dropped low sample did not break the run.
      expect(feed('metrics', samples([[2 * MINUTE, 90]]))).toHaveLength(1);
    });

    it('does not fire again when a late break splits a run that already fired', () => {
      const { feed } = harness(rulesById('metrics.cpu-sustained'), { allowedLatenessMs: MINUTE });
      expect(feed('metrics', samples(every(10 * SECOND, 0, 2 * MINUTE, 90)))).toHaveLength(1);
      feed('metrics', samples([[115 * SECOND, 20]]));
      expect(feed('metrics', samples(every(10 * SECOND, 130 * SECOND, 6 * MINUTE, 90)))).toEqual([]);
    });

    it('does not fire again when an earlier sample extends a fired run backwards', () => {
      const { feed } = harness(rulesById('metrics.cpu-sustained'), { allowedLatenessMs: MINUTE });
      expect(feed('metrics', samples(every(10 * SECOND, 10 * SECOND, 130 * SECOND, 90)))).toHaveLength(1);
      expect(feed('metrics', samples([[0, 90]]))).toEqual([]);
    });
  });

  it('expires hosts that stopped reporting', () => {
    const { engine, feed } = setup();
    feed(
      'metrics',
      Array.from({ length: 50 }, (_, i) => metric(i, { cpu: 90, host: `h${i}` })),
    );
    expect(engine.stats().rules[0]?.keys).toBe(50);
    feed('metrics', samples(every(SECOND, 5 * MINUTE, 6 * MINUTE, 10), 'other'));
    expect(engine.stats().rules[0]).toMatchObject({ keys: 1, expired: 50 });
  });
});
