import { type Alert, ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { makeAlert, type TimeWindow } from './alert-fixtures.ts';
import type { ContractContext } from './alert-store-contract.ts';
import type { TimelineBucketSize, TimelineQuery } from './alert-store-port.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const zero = { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
/** Names a plain-object counter miscounts (inherited members) or loses (`__proto__`). */
const PROTOTYPE_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__'] as const;

/** Five alerts with known breakdowns: four in the first four minutes of the window, one an hour later. */
function known(w: TimeWindow): Alert[] {
  const a = (n: number, offsetMs: number, fields: Partial<Alert>) =>
    makeAlert({ id: w.id(n), detectedAt: w.at(offsetMs), ruleId: `rule-x-${w.tag}`, ...fields });
  return [
    a(0, 10_000, { service: `svc-a-${w.tag}`, severity: 'high', source: 'logs', status: 'open' }),
    a(1, 20_000, {
      service: `svc-a-${w.tag}`,
      severity: 'low',
      source: 'logs',
      status: 'resolved',
      ruleId: `rule-y-${w.tag}`,
    }),
    a(2, 70_000, { service: `svc-b-${w.tag}`, severity: 'high', source: 'metrics', status: 'open' }),
    a(3, 185_000, {
      service: null,
      severity: 'critical',
      source: 'security',
      status: 'acknowledged',
      ruleId: `rule-z-${w.tag}`,
    }),
    a(4, HOUR + 30_000, {
      service: `svc-b-${w.tag}`,
      severity: 'medium',
      source: 'metrics',
      status: 'open',
      ruleId: `rule-y-${w.tag}`,
    }),
  ];
}

export function runStatsContract(ctx: ContractContext): void {
  const seeded = async () => {
    const w = ctx.window();
    await ctx.store().insertAlerts(known(w));
    return w;
  };

  describe('summary', () => {
    it('counts by severity, source, service and rule over the range', async () => {
      const w = await seeded();
      expect(await ctx.store().summary(w.range)).toEqual({
        total: 5,
        bySeverity: { ...zero, high: 2, low: 1, critical: 1, medium: 1 },
        bySource: { logs: 2, metrics: 2, transactions: 0, security: 1 },
        byStatus: { open: 3, acknowledged: 1, resolved: 1 },
        byService: { [`svc-a-${w.tag}`]: 2, [`svc-b-${w.tag}`]: 2 },
        byRuleId: { [`rule-x-${w.tag}`]: 2, [`rule-y-${w.tag}`]: 2, [`rule-z-${w.tag}`]: 1 },
      });
      const firstMinute = await ctx.store().summary({ from: w.at(0), to: w.at(MIN) });
      expect(firstMinute.total).toBe(2);
      expect(firstMinute.bySeverity).toEqual({ ...zero, high: 1, low: 1 });
    });

    it('covers all time without a range, and zeros for an empty one', async () => {
      const w = await seeded();
      const all = await ctx.store().summary();
      expect(all.total).toBeGreaterThanOrEqual(5);
      expect(all.byService[`svc-b-${w.tag}`]).toBe(2);
      const empty = await ctx.store().summary({ from: w.at(0), to: w.at(1) });
      expect(empty).toEqual({
        total: 0,
        bySeverity: zero,
        bySource: { logs: 0, metrics: 0, transactions: 0, security: 0 },
        byStatus: { open: 0, acknowledged: 0, resolved: 0 },
        byService: {},
        byRuleId: {},
      });
      await expect(ctx.store().summary({ from: 'soon' })).rejects.toThrow(ValidationError);
      await expect(ctx.store().summary({ to: '0000-01-01T00:00:00Z' })).rejects.toThrow(ValidationError);
      await expect(ctx.store().services({ from: '0000-01-01T00:00:00Z' })).rejects.toThrow(ValidationError);
    });

    it('counts services and rules named like Object.prototype members as any other name', async () => {
      const w = ctx.window();
      // Each name n+1 times, as service and as rule id: a plain-object counter got these wrong or lost them.
      await ctx
        .store()
        .insertAlerts(
          PROTOTYPE_NAMES.flatMap((name, n) =>
            Array.from({ length: n + 1 }, (_, i) =>
              makeAlert({ id: w.id(n * 10 + i), detectedAt: w.at(n * 10 + i), service: name, ruleId: name }),
            ),
          ),
        );
      const summary = await ctx.store().summary(w.range);
      const expected = Object.fromEntries(PROTOTYPE_NAMES.map((name, n) => [name, n + 1]));
      // Read back through JSON, as a client would: own keys only, `__proto__` included.
      const served = JSON.parse(JSON.stringify(summary)) as typeof summary;
      for (const counts of [served.byService, served.byRuleId]) {
        expect(Object.keys(counts).sort()).toEqual([...PROTOTYPE_NAMES].sort());
        for (const name of PROTOTYPE_NAMES)
          expect(Object.getOwnPropertyDescriptor(counts, name)?.value).toBe(expected[name]);
      }
      expect(summary.total).toBe(15);
      const services = await ctx.store().services(w.range);
      expect(services.map((s) => [s.service, s.total])).toEqual(
        [...PROTOTYPE_NAMES].reverse().map((name) => [name, expected[name]]),
      );
    });
  });

  describe('timeline', () => {
    const totals = async (w: TimeWindow, bucket: TimelineBucketSize, fromMs: number, toMs: number) =>
      (await ctx.store().timeline({ bucket, from: w.at(fromMs), to: w.at(toMs) })).map((p) => p.total);

    it('lists every bucket of the range with counts by severity', async () => {
      const w = await seeded();
      const points = await ctx.store().timeline({ bucket: '1m', from: w.at(0), to: w.at(4 * MIN) });
      expect(points).toEqual([
        { bucketStart: w.at(0), total: 2, bySeverity: { ...zero, high: 1, low: 1 } },
        { bucketStart: w.at(MIN), total: 1, bySeverity: { ...zero, high: 1 } },
        { bucketStart: w.at(2 * MIN), total: 0, bySeverity: zero },
        { bucketStart: w.at(3 * MIN), total: 1, bySeverity: { ...zero, critical: 1 } },
      ]);
    });

    it('aligns buckets on whole units and counts only alerts inside [from, to)', async () => {
      const w = await seeded();
      const points = await ctx.store().timeline({ bucket: '1m', from: w.at(30_000), to: w.at(2 * MIN) });
      expect(points.map((p) => [p.bucketStart, p.total])).toEqual([
        [w.at(0), 0],
        [w.at(MIN), 1],
      ]);
      expect(await totals(w, '5m', 0, 10 * MIN)).toEqual([4, 0]);
      expect(await totals(w, '15m', 0, HOUR)).toEqual([4, 0, 0, 0]);
      expect(await totals(w, '1h', 0, 2 * HOUR)).toEqual([4, 1]);
      expect(await totals(w, '1d', 0, 24 * HOUR)).toEqual([5]);
      expect(await totals(w, '1m', 0, 0)).toEqual([]);
    });

    it('rejects an unknown bucket, a reversed or bad range, and too many buckets', async () => {
      const w = ctx.window();
      const bad: TimelineQuery[] = [
        { bucket: '2m' as TimelineBucketSize, from: w.at(0), to: w.at(MIN) },
        { bucket: '1m', from: w.at(MIN), to: w.at(0) },
        { bucket: '1m', from: 'later', to: w.at(0) },
        { bucket: '1m', from: w.at(0), to: w.at(8 * 24 * HOUR) },
        // Valid JavaScript dates PostgreSQL refuses: refused here, before any query.
        { bucket: '1m', from: '0000-01-01T00:00:00Z', to: w.at(0) },
        { bucket: '1d', from: new Date(-1), to: w.at(0) },
      ];
      for (const query of bad) await expect(ctx.store().timeline(query)).rejects.toThrow(ValidationError);
    });
  });

  describe('services', () => {
    it('summarizes each service: total, open, severities, last alert; most alerts first', async () => {
      const w = await seeded();
      expect(await ctx.store().services(w.range)).toEqual([
        {
          service: `svc-a-${w.tag}`,
          total: 2,
          open: 1,
          bySeverity: { ...zero, high: 1, low: 1 },
          lastAlertAt: w.at(20_000),
        },
        {
          service: `svc-b-${w.tag}`,
          total: 2,
          open: 2,
          bySeverity: { ...zero, high: 1, medium: 1 },
          lastAlertAt: w.at(HOUR + 30_000),
        },
      ]);
    });

    it('honours the range and covers all time without one', async () => {
      const w = await seeded();
      const early = await ctx.store().services({ from: w.at(0), to: w.at(MIN) });
      expect(early.map((s) => [s.service, s.total])).toEqual([[`svc-a-${w.tag}`, 2]]);
      const all = await ctx.store().services();
      expect(all.find((s) => s.service === `svc-b-${w.tag}`)?.total).toBe(2);
    });
  });
}
