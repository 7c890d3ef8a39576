import { type Alert, isAlert } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { latencyFiring, type TimeWindow } from './alert-fixtures.ts';
import type { ContractContext } from './alert-store-contract.ts';
import type { ResolveIdleOptions } from './alert-store-port.ts';

const MINUTE = 60_000;
const RESOLVE_AFTER = 5 * MINUTE;
const firing = latencyFiring;

const series = (w: TimeWindow, count: number, from = 0, stepMs = 1000, key?: string) =>
  Array.from({ length: count }, (_, i) => firing(w, from + i, (from + i) * stepMs, key));

/** resolveIdle until it has nothing left (other tests' idle alerts share the database). */
async function resolveAll(ctx: ContractContext, options: ResolveIdleOptions): Promise<Alert[]> {
  const all: Alert[] = [];
  for (;;) {
    const batch = await ctx.store().resolveIdle({ ...options, limit: 500 });
    all.push(...batch);
    if (batch.length < 500) return all;
  }
}

const episodesOf = async (ctx: ContractContext, w: TimeWindow): Promise<Alert[]> =>
  (await ctx.store().queryAlerts({ ...w.range, ruleId: [`metrics.latency-high.${w.tag}`] })).items;

/** foldFirings and resolveIdle: episodes instead of one alert per firing (DESIGN "Episodes and lifecycle"). */
export function runEpisodesContract(ctx: ContractContext): void {
  describe('foldFirings', () => {
    it("opens one episode with the first firing's id and folds later firings of its rule and key", async () => {
      const w = ctx.window();
      const [first, ...rest] = series(w, 4);
      const opened = await ctx.store().foldFirings([first!], Date.now());
      expect(opened.firings).toMatchObject([{ firingId: first!.alert.id, outcome: 'opened' }]);
      expect(opened.firings[0]!.episode).toMatchObject({ id: first!.alert.id, occurrences: 1, revision: 1 });

      const folded = await ctx.store().foldFirings(rest, Date.now());
      expect(folded.firings.map((f) => f.outcome)).toEqual(['updated', 'updated', 'updated']);
      const episode = folded.firings[0]!.episode;
      expect(isAlert(episode)).toBe(true);
      expect(episode).toMatchObject({
        id: first!.alert.id,
        occurrences: 4,
        revision: 2, // one change for the batch
        firstSeenAt: w.at(0),
        lastSeenAt: w.at(3000),
        value: 1003,
        message: 'latency 1003 ms',
        eventTime: w.at(0),
        status: 'open',
        resolvedAt: null,
        resolvedBy: null,
        acknowledgedBy: null,
        silencedBy: [],
        ruleVersion: 1,
      });
      expect(episode.evidence).toEqual(first!.alert.evidence);
      expect(await episodesOf(ctx, w)).toEqual([episode]);
    });

    it('opens one episode per key', async () => {
      const w = ctx.window();
      const result = await ctx
        .store()
        .foldFirings([...series(w, 2, 0, 1000, 'host=a'), ...series(w, 3, 10, 1000, 'host=b')]);
      expect(result.firings.map((f) => f.outcome)).toEqual([
        'opened',
        'updated',
        'opened',
        'updated',
        'updated',
      ]);
      const byKey = Object.fromEntries((await episodesOf(ctx, w)).map((e) => [e.key, e.occurrences]));
      expect(byKey).toEqual({ 'host=a': 2, 'host=b': 3 });
    });

    it('never counts a redelivered firing twice, in a later batch or in the same one', async () => {
      const w = ctx.window();
      const batch = series(w, 3);
      await ctx.store().foldFirings(batch);
      const again = await ctx.store().foldFirings([...batch, batch[0]!, firing(w, 3, 3000)]);
      expect(again.firings.map((f) => f.outcome)).toEqual([
        'duplicate',
        'duplicate',
        'duplicate',
        'duplicate',
        'updated',
      ]);
      // Duplicates carry the episode's current state, so a publish lost to a crash can be made again.
      expect(again.firings[0]!.episode).toMatchObject({ occurrences: 4, revision: 2 });
      const [episode] = await episodesOf(ctx, w);
      expect(episode).toMatchObject({ occurrences: 4, revision: 2 });
      const replay = await ctx.store().foldFirings(batch);
      expect(replay.firings.every((f) => f.outcome === 'duplicate')).toBe(true);
      expect((await episodesOf(ctx, w))[0]).toMatchObject({ occurrences: 4, revision: 2 });
    });

    it('concurrent folds (each on its own connection where the driver has several) give one episode', async () => {
      const w = ctx.window();
      const all = series(w, 40);
      const halves = [all.filter((_, i) => i % 2 === 0), all.filter((_, i) => i % 2 === 1)];
      // Each half twice, at once: distinct firings add up, the same firings count once.
      await Promise.all([...halves, ...halves].map((half) => ctx.store().foldFirings(half)));
      const episodes = await episodesOf(ctx, w);
      expect(episodes).toHaveLength(1);
      expect(episodes[0]!.occurrences).toBe(40);
      expect(episodes[0]!.lastSeenAt).toBe(w.at(39_000));
    });

    it('a late firing counts without moving lastSeenAt, value or message back', async () => {
      const w = ctx.window();
      await ctx.store().foldFirings([firing(w, 1, 10_000)]);
      const { firings } = await ctx.store().foldFirings([firing(w, 0, 5_000)]);
      expect(firings[0]!.episode).toMatchObject({
        occurrences: 2,
        firstSeenAt: w.at(5_000),
        lastSeenAt: w.at(10_000),
        value: 1001,
      });
    });

    it('a firing after resolveAfterMs without one resolves the episode by "system" and opens a new one', async () => {
      const w = ctx.window();
      await ctx.store().foldFirings(series(w, 3));
      const late = firing(w, 10, 2000 + RESOLVE_AFTER + 1);
      const result = await ctx.store().foldFirings([late]);
      expect(result.resolved).toHaveLength(1);
      expect(result.resolved[0]).toMatchObject({
        id: w.id(0),
        status: 'resolved',
        resolvedBy: 'system',
        occurrences: 3,
        revision: 2,
      });
      expect(result.resolved[0]!.resolvedAt).not.toBeNull();
      expect(result.firings[0]).toMatchObject({
        outcome: 'opened',
        episode: { id: late.alert.id, occurrences: 1 },
      });
      const episodes = await episodesOf(ctx, w);
      expect(episodes.map((e) => [e.id, e.status, e.occurrences])).toEqual([
        [late.alert.id, 'open', 1],
        [w.id(0), 'resolved', 3],
      ]);
    });

    it('a gap longer than resolveAfterMs inside one batch splits it into two episodes', async () => {
      const w = ctx.window();
      const batch = [
        ...series(w, 2),
        firing(w, 5, 1000 + RESOLVE_AFTER + 1),
        firing(w, 6, 1000 + RESOLVE_AFTER + 2),
      ];
      const result = await ctx.store().foldFirings(batch);
      expect(result.firings.map((f) => f.outcome)).toEqual(['opened', 'updated', 'opened', 'updated']);
      expect(result.resolved.map((e) => e.id)).toEqual([w.id(0)]);
      const episodes = await episodesOf(ctx, w);
      expect(episodes.map((e) => [e.status, e.occurrences])).toEqual([
        ['open', 2],
        ['resolved', 2],
      ]);
    });

    it('an acknowledged episode still takes firings', async () => {
      const w = ctx.window();
      await ctx.store().foldFirings([firing(w, 0, 0)]);
      const acked = await ctx.store().updateStatus(w.id(0), 'acknowledged', 'alice');
      expect(acked).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'alice', revision: 2 });
      const { firings } = await ctx.store().foldFirings([firing(w, 1, 1000)]);
      expect(firings[0]!.episode).toMatchObject({ status: 'acknowledged', occurrences: 2, revision: 3 });
    });

    it('a resolved episode takes no firings: the next one opens a new episode', async () => {
      const w = ctx.window();
      await ctx.store().foldFirings([firing(w, 0, 0)]);
      expect(await ctx.store().updateStatus(w.id(0), 'resolved', 'bob')).toMatchObject({
        status: 'resolved',
        resolvedBy: 'bob',
        revision: 2,
      });
      const { firings } = await ctx.store().foldFirings([firing(w, 1, 1000)]);
      expect(firings[0]).toMatchObject({ outcome: 'opened', episode: { id: w.id(1), occurrences: 1 } });
      await expect(ctx.store().updateStatus(w.id(0), 'open')).rejects.toMatchObject({ code: 'conflict' });
    });
  });

  describe('resolveIdle', () => {
    it("resolves by the source's stream time, not other sources', and only once", async () => {
      const w = ctx.window();
      await ctx.store().foldFirings(series(w, 2)); // last firing at +1 s
      const now = Date.now();
      const early = w.startMs + 1000 + RESOLVE_AFTER;
      const mine = (alerts: Alert[]) => alerts.filter((a) => a.ruleId.endsWith(w.tag));
      expect(mine(await resolveAll(ctx, { now, streamTimes: { metrics: early } }))).toEqual([]);
      expect(mine(await resolveAll(ctx, { now, streamTimes: { logs: early + 1 } }))).toEqual([]);
      const [resolved, again] = await Promise.all([
        resolveAll(ctx, { now, streamTimes: { metrics: early + 1 } }),
        resolveAll(ctx, { now, streamTimes: { metrics: early + 1 } }),
      ]);
      expect([...mine(resolved!), ...mine(again!)]).toMatchObject([
        { id: w.id(0), status: 'resolved', resolvedBy: 'system', occurrences: 2, revision: 2 },
      ]);
      const next = await ctx.store().foldFirings([firing(w, 9, 2 * RESOLVE_AFTER)]);
      expect(next.firings[0]).toMatchObject({ outcome: 'opened', episode: { id: w.id(9) } });
      expect((await episodesOf(ctx, w)).map((e) => e.status)).toEqual(['open', 'resolved']);
    });

    it('resolves by wall-clock idleness when the source stopped altogether', async () => {
      const w = ctx.window();
      const changed = Date.now();
      await ctx.store().foldFirings(series(w, 2), changed);
      const mine = (alerts: Alert[]) => alerts.filter((a) => a.ruleId.endsWith(w.tag)).map((a) => a.id);
      expect(mine(await resolveAll(ctx, { now: changed + RESOLVE_AFTER - 1 }))).toEqual([]);
      expect(mine(await resolveAll(ctx, { now: changed + RESOLVE_AFTER + 1 }))).toEqual([w.id(0)]);
      expect((await ctx.store().getAlert(w.id(0)))?.status).toBe('resolved');
    });

    it('takes at most `limit` episodes per call', async () => {
      const w = ctx.window();
      const changed = Date.now() - 2 * RESOLVE_AFTER;
      await ctx.store().foldFirings(
        ['a', 'b', 'c'].map((host, n) => firing(w, n, n, `host=${host}`)),
        changed,
      );
      const mine = (alerts: Alert[]) => alerts.filter((a) => a.ruleId.endsWith(w.tag));
      let resolved = 0;
      for (let round = 0; round < 10 && resolved < 3; round++) {
        const batch = await ctx.store().resolveIdle({ now: Date.now(), limit: 1 });
        expect(batch.length).toBeLessThanOrEqual(1);
        resolved += mine(batch).length;
      }
      expect(resolved).toBe(3);
    });
  });
}
