import { type Alert, MAX_BULK_IDS, MAX_NOTE_LENGTH, ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { MAX_FIRED_ENTRIES } from './alert-activity.ts';
import { makeAlert, type TimeWindow } from './alert-fixtures.ts';
import type { ContractContext } from './alert-store-contract.ts';
import type { Firing } from './alert-store-port.ts';

const RESOLVE_AFTER = 5 * 60_000;
const HOUR = 3_600_000;

/**
 * Wall-clock instants `ms` after an hour ago: the trail is in wall-clock time (detectedAt, when a firing was
 * folded, when a person acted), so detections are made to precede the changes the tests make now.
 */
const past = (ms = 0) => new Date(Date.now() - HOUR + ms).toISOString();

/** Firing `n` of this window's rule for `key`, its event `atMs` after the window start, detected an hour ago. */
function firing(w: TimeWindow, n: number, atMs: number, key = 'host=web-1'): Firing {
  const alert = makeAlert({
    id: w.id(n),
    ruleId: `metrics.latency-high.${w.tag}`,
    source: 'metrics',
    key,
    eventTime: w.at(atMs),
    detectedAt: past(atMs),
  });
  return { alert, resolveAfterMs: RESOLVE_AFTER };
}

const trail = async (ctx: ContractContext, id: string) =>
  (await ctx.store().activity(id, { limit: 200 }))!.items.map((e) => [e.action, e.actor, e.note]);

/** transition, comment and activity: the lifecycle with its trail (DESIGN "Episodes and lifecycle"). */
export function runLifecycleContract(ctx: ContractContext): void {
  describe('transition', () => {
    it('acknowledges, resolves and reopens, each once, recording who and why', async () => {
      const w = ctx.window();
      await ctx.store().foldFirings([firing(w, 0, 0)]);
      const id = w.id(0);
      const [acked] = await ctx.store().transition([id], 'acknowledged', 'alice', 'looking');
      expect(acked).toMatchObject({
        id,
        outcome: 'changed',
        alert: { status: 'acknowledged', acknowledgedBy: 'alice', revision: 2, resolvedAt: null },
      });
      const [again] = await ctx.store().transition([id], 'acknowledged', 'bob', 'me too');
      expect(again).toMatchObject({ outcome: 'unchanged', alert: { acknowledgedBy: 'alice', revision: 2 } });
      const [resolved] = await ctx.store().transition([id], 'resolved', 'bob');
      expect(resolved!.alert).toMatchObject({
        status: 'resolved',
        resolvedBy: 'bob',
        acknowledgedBy: 'alice',
        revision: 3,
      });
      expect(resolved!.alert!.resolvedAt).not.toBeNull();
      const [reopened] = await ctx.store().transition([id], 'open', 'carol', 'not fixed');
      expect(reopened!.alert).toMatchObject({
        status: 'open',
        resolvedAt: null,
        resolvedBy: null,
        acknowledgedBy: null,
        revision: 4,
      });
      expect(await ctx.store().getAlert(id)).toEqual(reopened!.alert);
      expect(await trail(ctx, id)).toEqual([
        ['reopened', 'carol', 'not fixed'],
        ['resolved', 'bob', undefined],
        ['acknowledged', 'alice', 'looking'],
        ['opened', 'system', undefined],
      ]);
    });

    it('changes many alerts in one call, one result per distinct id in the order given', async () => {
      const w = ctx.window();
      const stored = [0, 1, 2].map((n) => makeAlert({ id: w.id(n), detectedAt: past(n) }));
      stored[2] = { ...stored[2]!, status: 'resolved' };
      await ctx.store().insertAlerts(stored);
      const results = await ctx
        .store()
        .transition([w.id(2), w.id(0), w.id(9), w.id(0), w.id(1), ''], 'resolved', 'dave', 'bulk');
      expect(results.map((r) => [r.id, r.outcome])).toEqual([
        [w.id(2), 'unchanged'],
        [w.id(0), 'changed'],
        [w.id(9), 'not_found'],
        [w.id(1), 'changed'],
        ['', 'not_found'],
      ]);
      expect(results[3]!.alert).toMatchObject({ status: 'resolved', resolvedBy: 'dave', revision: 2 });
      expect(results[2]!.alert).toBeNull();
      expect((await ctx.store().getAlert(w.id(1)))?.status).toBe('resolved');
      expect(await trail(ctx, w.id(2))).toEqual([['opened', 'system', undefined]]);
      expect(await trail(ctx, w.id(0))).toEqual([
        ['resolved', 'dave', 'bulk'],
        ['opened', 'system', undefined],
      ]);
    });

    it('refuses to reopen a resolved episode while another of its rule and key is unresolved', async () => {
      const w = ctx.window();
      await ctx.store().foldFirings([firing(w, 0, 0), firing(w, 1, 0, 'host=web-2')]);
      await ctx.store().transition([w.id(0), w.id(1)], 'resolved', 'erin');
      await ctx.store().foldFirings([firing(w, 2, 1000)]); // opens a new episode of host=web-1
      const results = await ctx.store().transition([w.id(0), w.id(1)], 'acknowledged', 'erin');
      expect(results.map((r) => [r.id, r.outcome, r.alert?.status])).toEqual([
        [w.id(0), 'conflict', 'resolved'],
        [w.id(1), 'changed', 'acknowledged'],
      ]);
      expect((await ctx.store().getAlert(w.id(0)))?.revision).toBe(2);
      // Once the newer episode is resolved, the older one may be reopened.
      await ctx.store().transition([w.id(2)], 'resolved', 'erin');
      expect((await ctx.store().transition([w.id(0)], 'open', 'erin'))[0]!.outcome).toBe('changed');
    });

    it('keeps an auto-resolve in the trail when a person reopens the episode', async () => {
      const w = ctx.window();
      await ctx.store().foldFirings([firing(w, 0, 0)]);
      // A firing past resolveAfterMs resolves the first episode (by "system") and opens a second.
      const { resolved } = await ctx.store().foldFirings([firing(w, 1, RESOLVE_AFTER + 1000)]);
      expect(resolved.map((a) => [a.id, a.resolvedBy])).toEqual([[w.id(0), 'system']]);
      expect((await trail(ctx, w.id(0)))[0]).toEqual(['resolved', 'system', undefined]);
      await ctx.store().transition([w.id(1)], 'resolved', 'frank');
      await ctx.store().transition([w.id(0)], 'open', 'frank', 'again');
      expect(await trail(ctx, w.id(0))).toEqual([
        ['reopened', 'frank', 'again'],
        ['resolved', 'system', undefined],
        ['opened', 'system', undefined],
      ]);
    });

    it('holds a reopened episode open for resolveAfterMs of wall clock, however old its last firing', async () => {
      const w = ctx.window();
      await ctx.store().foldFirings([firing(w, 0, 0)]);
      await ctx.store().transition([w.id(0)], 'resolved', 'gus');
      const reopenedAt = Date.now();
      await ctx.store().transition([w.id(0)], 'open', 'gus', 'still slow', { now: reopenedAt });
      const far = { metrics: w.startMs + 100 * RESOLVE_AFTER };
      const resolvedNow = async (now: number) => {
        for (;;) {
          const batch = await ctx.store().resolveIdle({ now, streamTimes: far, limit: 500 });
          if (batch.some((a) => a.id === w.id(0))) return true;
          if (batch.length < 500) return false;
        }
      };
      expect(await resolvedNow(reopenedAt + RESOLVE_AFTER - 1000)).toBe(false);
      expect((await ctx.store().getAlert(w.id(0)))?.status).toBe('open');
      expect(await resolvedNow(reopenedAt + RESOLVE_AFTER + 1000)).toBe(true);
      expect(await ctx.store().getAlert(w.id(0))).toMatchObject({ status: 'resolved', resolvedBy: 'system' });
    });

    it('leaves alerts the caller may not change alone, as if absent', async () => {
      const w = ctx.window();
      const stored = [0, 1].map((n) =>
        makeAlert({ id: w.id(n), detectedAt: past(n), source: n ? 'logs' : 'security' }),
      );
      await ctx.store().insertAlerts(stored);
      const results = await ctx
        .store()
        .transition([w.id(0), w.id(1)], 'resolved', 'jo', null, { only: (a) => a.source === 'logs' });
      expect(results.map((r) => [r.id, r.outcome])).toEqual([
        [w.id(0), 'not_found'],
        [w.id(1), 'changed'],
      ]);
      expect(await ctx.store().getAlert(w.id(0))).toEqual(stored[0]);
    });

    it('refuses bad input before any change', async () => {
      const w = ctx.window();
      await ctx.store().insertAlerts([makeAlert({ id: w.id(0), detectedAt: past() })]);
      const refused = [
        ctx.store().transition([w.id(0)], 'closed' as 'open', 'x'),
        ctx.store().transition([w.id(0)], 'resolved', ''),
        ctx.store().transition([w.id(0)], 'resolved', 'x', 'n'.repeat(MAX_NOTE_LENGTH + 1)),
        ctx.store().transition([w.id(0)], 'resolved', 'x', 'nul \u0000'),
        ctx.store().transition([w.id(0)], 'resolved', 'x', ''),
        ctx.store().transition(
          Array.from({ length: MAX_BULK_IDS + 1 }, (_, n) => w.id(n)),
          'resolved',
          'x',
        ),
      ];
      for (const attempt of refused) await expect(attempt).rejects.toThrow(ValidationError);
      expect(await ctx.store().getAlert(w.id(0))).toMatchObject({ status: 'open', revision: 1 });
      const long = 'n'.repeat(MAX_NOTE_LENGTH);
      expect((await ctx.store().transition([w.id(0)], 'resolved', 'x', long))[0]!.outcome).toBe('changed');
    });
  });

  describe('comment', () => {
    it('adds to the trail without changing the alert', async () => {
      const w = ctx.window();
      const alert: Alert = makeAlert({ id: w.id(0), detectedAt: past() });
      await ctx.store().insertAlerts([alert]);
      const at = past(5000);
      expect(await ctx.store().comment(w.id(0), 'gina', 'seen on web-1', Date.parse(at))).toEqual({
        at,
        actor: 'gina',
        action: 'commented',
        note: 'seen on web-1',
      });
      expect(await ctx.store().getAlert(w.id(0))).toEqual(alert);
      expect((await trail(ctx, w.id(0)))[0]).toEqual(['commented', 'gina', 'seen on web-1']);
      expect(await ctx.store().comment(w.id(9), 'gina', 'nobody here')).toBeNull();
      expect(await ctx.store().comment('bad\u0000id', 'gina', 'nobody here')).toBeNull();
      await expect(ctx.store().comment(w.id(0), 'gina', '')).rejects.toThrow(ValidationError);
    });

    it('cuts a long actor name as the audit log does', async () => {
      const w = ctx.window();
      await ctx.store().insertAlerts([makeAlert({ id: w.id(0) })]);
      const entry = await ctx.store().comment(w.id(0), 'a'.repeat(500), 'x');
      expect(entry?.actor).toBe('a'.repeat(200));
    });
  });

  describe('activity', () => {
    it('lists firings after the first as fired, when they were folded, newest first', async () => {
      const w = ctx.window();
      const first = firing(w, 0, 0);
      await ctx.store().foldFirings([first, firing(w, 1, 1000)]);
      await ctx.store().foldFirings([firing(w, 2, 2000)]);
      const later = new Date(Date.now() + 60_000).toISOString();
      await ctx.store().transition([w.id(0)], 'acknowledged', 'hank', undefined, { now: Date.parse(later) });
      const { items, nextCursor } = (await ctx.store().activity(w.id(0)))!;
      expect(items.map((e) => [e.action, e.actor])).toEqual([
        ['acknowledged', 'hank'],
        ['fired', 'system'],
        ['fired', 'system'],
        ['opened', 'system'],
      ]);
      expect(items[0]!.at).toBe(later);
      expect(items[3]!.at).toBe(first.alert.detectedAt);
      expect(Date.parse(items[1]!.at)).toBeGreaterThanOrEqual(Date.parse(items[2]!.at));
      expect(Date.parse(items[2]!.at)).toBeGreaterThan(Date.parse(items[3]!.at));
      expect(nextCursor).toBeNull();
    });

    it(`pages without gaps or duplicates and lists at most the latest ${MAX_FIRED_ENTRIES} firings`, async () => {
      const w = ctx.window();
      const count = MAX_FIRED_ENTRIES + 5;
      // One fold: every firing has the same folded_at, so pages are cut inside one instant too.
      await ctx.store().foldFirings(Array.from({ length: count }, (_, n) => firing(w, n, n * 1000)));
      await ctx.store().comment(w.id(0), 'ivy', 'before', Date.parse(past(500)));
      await ctx.store().comment(w.id(0), 'ivy', 'after', Date.now() + 60_000);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 50; pages++) {
        const page = (await ctx.store().activity(w.id(0), { limit: 7, cursor }))!;
        seen.push(...page.items.map((e) => `${e.action}:${e.note ?? ''}`));
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      // The latest firings by id (one instant): w.id is fixed-width hex, so id order is firing order.
      const fired = Array.from({ length: MAX_FIRED_ENTRIES }, () => 'fired:');
      expect(seen).toEqual(['commented:after', ...fired, 'commented:before', 'opened:']);
      const all = (await ctx.store().activity(w.id(0), { limit: 200 }))!;
      expect(all.items).toHaveLength(MAX_FIRED_ENTRIES + 3);
      expect(all.nextCursor).toBeNull();
    });

    it('answers null for an unknown alert and refuses a bad limit or cursor', async () => {
      const w = ctx.window();
      expect(await ctx.store().activity(w.id(0))).toBeNull();
      await ctx.store().insertAlerts([makeAlert({ id: w.id(0) })]);
      for (const query of [{ limit: 0 }, { limit: 201 }, { cursor: 'junk' }, { cursor: 'WyJ4IiwiMyJd' }])
        await expect(ctx.store().activity(w.id(0), query)).rejects.toThrow(ValidationError);
    });
  });
}
