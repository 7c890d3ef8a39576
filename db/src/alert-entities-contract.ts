import { type Alert, ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { makeAlert } from './alert-fixtures.ts';
import type { ContractContext } from './alert-store-contract.ts';

const HOUR = 3_600_000;

/**
 * entities(): ranking by severity-weighted, decaying risk. Each test scopes the ranking to its own rule id,
 * so alerts of other tests within the same 24 hours never rank beside its entities.
 */
export function runEntitiesContract(ctx: ContractContext): void {
  describe('entities', () => {
    const seeded = async (specsOf: (tag: string) => [Partial<Alert>, number][]) => {
      const w = ctx.window();
      const specs = specsOf(w.tag);
      const now = w.startMs + 12 * HOUR;
      const ruleId = `risk-${w.tag}`;
      const batch = specs.map(([fields, ageMs], n) =>
        makeAlert({ id: w.id(n), ruleId, detectedAt: new Date(now - ageMs).toISOString(), ...fields }),
      );
      await ctx.store().insertAlerts(batch);
      return { now: new Date(now), scope: { ruleId: [ruleId] }, batch, tag: w.tag };
    };

    it('ranks users by Σ weight(severity) · 0.5^(age / 6 h) over the last 24 h, with their alerts newest first', async () => {
      const { now, scope, batch, tag } = await seeded((tag) => [
        [{ userId: `u1-${tag}`, severity: 'critical' }, 0],
        [{ userId: `u1-${tag}`, severity: 'high' }, 6 * HOUR],
        [{ userId: `u2-${tag}`, severity: 'medium' }, HOUR],
        [{ userId: `u3-${tag}`, severity: 'critical' }, 25 * HOUR],
        [{ userId: `u4-${tag}`, severity: 'critical' }, -1],
        [{ userId: null, severity: 'critical' }, 0],
      ]);
      const ranked = await ctx.store().entities({ kind: 'user', now, scope });
      expect(ranked.map((e) => [e.value, e.score, e.alertCount])).toEqual([
        [`u1-${tag}`, 20, 2],
        [`u2-${tag}`, Math.round(4 * 0.5 ** (1 / 6) * 100) / 100, 1],
      ]);
      expect(ranked[0]).toMatchObject({ kind: 'user', lastAlertAt: batch[0]!.detectedAt });
      expect(ranked[0]!.recentAlerts.map((a) => a.id)).toEqual([batch[0]!.id, batch[1]!.id]);
    });

    it('weighs an episode by 1 + log2 of its occurrences', async () => {
      const { now, scope, tag } = await seeded((tag) => [
        [{ key: `ip=10.9.0.1-${tag}`, severity: 'medium', occurrences: 8 }, 0],
        [{ key: `ip=10.9.0.2-${tag}`, severity: 'high' }, 0],
        [{ key: `ip=10.9.0.2-${tag}`, severity: 'info', occurrences: 2 }, 0],
      ]);
      const ranked = await ctx.store().entities({ kind: 'ip', now, scope });
      expect(ranked.map((e) => [e.value, e.score, e.alertCount])).toEqual([
        [`10.9.0.1-${tag}`, 16, 1],
        [`10.9.0.2-${tag}`, 10, 2],
      ]);
    });

    it('reads services from the service field, hosts and IPs from the rule key', async () => {
      const { now, scope, tag } = await seeded((tag) => [
        [{ service: `svc-${tag}`, key: `host=h1-${tag}`, severity: 'low' }, 0],
        [{ service: `svc-${tag}`, key: `host=h2-${tag}`, severity: 'high' }, 0],
        [{ service: null, key: 'ip=10.1.2.3', severity: 'medium' }, 0],
        [{ service: null, key: `userId=u-${tag}`, severity: 'medium' }, 0],
      ]);
      const values = async (kind: 'host' | 'ip' | 'service') =>
        (await ctx.store().entities({ kind, now, scope })).map((e) => [e.value, e.score]);
      expect(await values('host')).toEqual([
        [`h2-${tag}`, 8],
        [`h1-${tag}`, 2],
      ]);
      expect(await values('ip')).toEqual([['10.1.2.3', 4]]);
      expect(await values('service')).toEqual([[`svc-${tag}`, 10]]);
    });

    it('counts only what the scope allows, returns at most five alerts per entity and honours limit', async () => {
      const { now, scope, tag } = await seeded((tag) => [
        ...Array.from({ length: 7 }, (_, i): [Partial<Alert>, number] => [
          { userId: `a-${tag}`, severity: 'info' },
          i,
        ]),
        [{ userId: `b-${tag}`, severity: 'critical' }, 0],
      ]);
      const all = await ctx.store().entities({ kind: 'user', now, scope });
      expect(all.map((e) => [e.value, e.alertCount, e.recentAlerts.length])).toEqual([
        [`b-${tag}`, 1, 1],
        [`a-${tag}`, 7, 5],
      ]);
      expect(
        (await ctx.store().entities({ kind: 'user', now, scope, limit: 1 })).map((e) => e.value),
      ).toEqual([`b-${tag}`]);
      const infoOnly = await ctx
        .store()
        .entities({ kind: 'user', now, scope: { ...scope, severity: ['info'] } });
      expect(infoOnly.map((e) => e.value)).toEqual([`a-${tag}`]);
    });

    it('refuses an unknown kind or a limit out of range', async () => {
      const now = new Date();
      for (const query of [
        { kind: 'planet', now },
        { kind: 'user', now, limit: 0 },
        { kind: 'user', now, limit: 101 },
      ]) {
        await expect(ctx.store().entities(query as never)).rejects.toBeInstanceOf(ValidationError);
      }
    });
  });
}
