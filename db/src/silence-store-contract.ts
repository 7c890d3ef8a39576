import {
  type Alert,
  MAX_SILENCE_PREVIEW,
  SILENCE_PREVIEW_WINDOW_MS,
  type SilenceMatchers,
  ValidationError,
  type ValidSilence,
} from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { makeAlert, type TimeWindow, windowAllocator } from './alert-fixtures.ts';
import type { AlertStore, Firing } from './alert-store-port.ts';
import { openForSuite } from './contract-suite.ts';
import type { SilenceStore } from './silence-store-port.ts';

export interface OpenedSilenceStore {
  store: AlertStore;
  silences: SilenceStore;
  close(): Promise<void>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * The behaviour every SilenceStore (and the AlertStore's part in silences: the fold and the sweep) must
 * have. One database per suite: the sweep looks at every unresolved episode, so each test matches on a rule
 * id of its own and passes its own `now`.
 */
export function runSilenceStoreContract(name: string, open: () => Promise<OpenedSilenceStore>): void {
  describe(`SilenceStore contract: ${name}`, { timeout: 30_000 }, () => {
    const opened = openForSuite(open);
    const store = () => opened().store;
    const silences = () => opened().silences;
    const nextWindow = windowAllocator();
    // Wall-clock based: the trail is in wall-clock time, and the preview looks back 24 h from `now`.
    const base = Date.now();

    /** A test's rule id and firing maker: episodes detected an hour before `base`. */
    function world() {
      const w: TimeWindow = nextWindow();
      const ruleId = `metrics.latency-high.${w.tag}`;
      const firing = (n: number, key = 'host=web-1', overrides: Partial<Alert> = {}): Firing => ({
        alert: makeAlert({
          id: w.id(n),
          ruleId,
          source: 'metrics',
          severity: 'medium',
          service: 'api',
          key,
          eventTime: w.at(n * 1000),
          detectedAt: new Date(base - HOUR + n).toISOString(),
          ...overrides,
        }),
        resolveAfterMs: 5 * MINUTE,
      });
      const silence = (matchers: SilenceMatchers, from = base, to = base + HOUR): ValidSilence => ({
        matchers: { ruleId, ...matchers },
        startsAt: new Date(from).toISOString(),
        endsAt: new Date(to).toISOString(),
        comment: `maintenance ${w.tag}`,
      });
      return { w, ruleId, firing, silence };
    }

    const get = async (id: string) => (await store().getAlert(id))!;
    const trail = async (id: string) =>
      (await store().activity(id, { limit: 200 }))!.items
        .filter((e) => e.action === 'silenced' || e.action === 'unsilenced')
        .map((e) => [e.action, e.actor, e.note]);
    const sweep = async (now: number) => {
      const all: Alert[] = [];
      for (;;) {
        const batch = await store().refreshSilenced({ now, limit: 500 });
        all.push(...batch);
        if (batch.length < 500) return all;
      }
    };

    describe('create', () => {
      it('stores the silence and silences the matching unresolved episodes at once', async () => {
        const { w, firing, silence } = world();
        await store().foldFirings([firing(0), firing(1, 'host=web-2'), firing(2, 'host=web-3')], base - 10);
        await store().transition([w.id(2)], 'resolved', 'ann', null, { now: base - 5 });
        const { silence: created, changed } = await silences().create(
          silence({ key: 'host=web-1' }),
          'alice',
          base,
        );
        expect(created).toMatchObject({
          matchers: { key: 'host=web-1' },
          createdBy: 'alice',
          createdAt: new Date(base).toISOString(),
          expiredBy: null,
          state: 'active',
        });
        expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(changed.map((a) => [a.id, a.silencedBy, a.revision])).toEqual([[w.id(0), [created.id], 2]]);
        expect(await get(w.id(0))).toEqual(changed[0]);
        expect((await get(w.id(1))).silencedBy).toEqual([]);
        expect(await trail(w.id(0))).toEqual([['silenced', 'alice', `maintenance ${w.tag}`]]);
        expect(await silences().get(created.id, base)).toEqual(created);
      });

      it('leaves resolved episodes as they were', async () => {
        const { w, firing, silence } = world();
        await store().foldFirings([firing(0)], base - 10);
        await store().transition([w.id(0)], 'resolved', 'ann', null, { now: base - 5 });
        const { changed } = await silences().create(silence({}), 'alice', base);
        expect(changed).toEqual([]);
        expect(await get(w.id(0))).toMatchObject({ silencedBy: [], revision: 2 });
      });

      it('keeps several silences of one episode sorted by id', async () => {
        const { w, firing, silence } = world();
        await store().foldFirings([firing(0)], base - 10);
        const one = (await silences().create(silence({}), 'alice', base)).silence.id;
        const two = (await silences().create(silence({ key: 'host=web-1' }), 'bob', base)).silence.id;
        expect((await get(w.id(0))).silencedBy).toEqual([one, two].sort());
        expect(await sweep(base + 1)).not.toContainEqual(expect.objectContaining({ id: w.id(0) }));
      });

      it('does not apply a pending silence until the sweep sees it start', async () => {
        const { w, firing, silence } = world();
        await store().foldFirings([firing(0)], base - 10);
        const { silence: pending, changed } = await silences().create(
          silence({}, base + MINUTE, base + HOUR),
          'carol',
          base,
        );
        expect(pending.state).toBe('pending');
        expect(changed).toEqual([]);
        expect((await sweep(base + 1)).map((a) => a.id)).not.toContain(w.id(0));
        const started = await sweep(base + MINUTE);
        expect(started.filter((a) => a.id === w.id(0))).toMatchObject([
          { silencedBy: [pending.id], revision: 2 },
        ]);
        expect(await trail(w.id(0))).toEqual([['silenced', 'carol', `maintenance ${w.tag}`]]);
      });

      it('refuses what validation refuses', async () => {
        const { silence } = world();
        const bad = { ...silence({}), matchers: {} };
        await expect(silences().create(bad, 'alice', base)).rejects.toBeInstanceOf(ValidationError);
        const ended = silence({}, base - HOUR, base - 1);
        await expect(silences().create(ended, 'alice', base)).rejects.toBeInstanceOf(ValidationError);
        await expect(silences().create(silence({}), '', base)).rejects.toBeInstanceOf(ValidationError);
      });
    });

    describe('foldFirings', () => {
      it('opens and updates matching episodes silenced by the active silences, others not', async () => {
        const { w, firing, silence } = world();
        const { silence: s } = await silences().create(silence({ key: 'host=web-1' }), 'alice', base);
        const first = await store().foldFirings([firing(0), firing(1, 'host=web-2')], base + 1);
        expect(first.firings.map((f) => [f.firingId, f.outcome, f.episode.silencedBy])).toEqual([
          [w.id(0), 'opened', [s.id]],
          [w.id(1), 'opened', []],
        ]);
        const again = await store().foldFirings([firing(2)], base + 2);
        expect(again.firings[0]).toMatchObject({
          outcome: 'updated',
          episode: { silencedBy: [s.id], revision: 2 },
        });
        // After the silence ends, a firing folds into the episode with silencedBy empty.
        const later = await store().foldFirings([firing(3)], base + HOUR);
        expect(later.firings[0]!.episode).toMatchObject({ silencedBy: [], revision: 3 });
      });

      it('matches on the stored episode, not the firing, when the two differ', async () => {
        const { w, firing, silence } = world();
        await store().foldFirings([firing(0)], base - 10);
        const { silence: s } = await silences().create(silence({ service: 'api' }), 'alice', base);
        const folded = await store().foldFirings([firing(1, 'host=web-1', { service: 'other' })], base + 1);
        expect(folded.firings[0]!.episode.silencedBy).toEqual([s.id]);
        expect((await get(w.id(0))).silencedBy).toEqual([s.id]);
      });
    });

    describe('expire', () => {
      it('ends the silence now and lifts it from unresolved episodes; resolved ones keep it', async () => {
        const { w, firing, silence } = world();
        await store().foldFirings([firing(0), firing(1, 'host=web-2')], base - 10);
        const { silence: s } = await silences().create(silence({}), 'alice', base);
        await store().transition([w.id(1)], 'resolved', 'ann', null, { now: base + 5 });
        const result = await silences().expire(s.id, 'bob', base + 10);
        expect(result).toMatchObject({
          outcome: 'expired',
          silence: {
            id: s.id,
            endsAt: new Date(base + 10).toISOString(),
            expiredBy: 'bob',
            state: 'expired',
          },
        });
        expect(result!.changed.map((a) => [a.id, a.silencedBy, a.revision])).toEqual([[w.id(0), [], 3]]);
        expect(await trail(w.id(0))).toEqual([
          ['unsilenced', 'bob', `maintenance ${w.tag}`],
          ['silenced', 'alice', `maintenance ${w.tag}`],
        ]);
        expect((await get(w.id(1))).silencedBy).toEqual([s.id]);
        expect((await sweep(base + 20)).map((a) => a.id)).not.toContain(w.id(1));

        const again = await silences().expire(s.id, 'carol', base + 20);
        expect(again).toMatchObject({
          outcome: 'already_expired',
          changed: [],
          silence: { expiredBy: 'bob' },
        });
        expect(await silences().expire('00000000-0000-0000-0000-000000000000', 'bob', base)).toBeNull();
        expect(await silences().expire('a\u0000b', 'bob', base)).toBeNull();
        expect(await silences().get('a\u0000b', base)).toBeNull();
      });

      it('expires a pending silence before it starts', async () => {
        const { silence } = world();
        const { silence: s } = await silences().create(
          silence({}, base + HOUR, base + 2 * HOUR),
          'alice',
          base,
        );
        const result = await silences().expire(s.id, 'bob', base + 1);
        expect(result!.silence).toMatchObject({
          state: 'expired',
          startsAt: new Date(base).toISOString(),
          endsAt: new Date(base + 1).toISOString(),
        });
      });
    });

    describe('refreshSilenced', () => {
      it('lifts a silence that ended by the clock, recorded as by system', async () => {
        const { w, firing, silence } = world();
        await store().foldFirings([firing(0)], base - 10);
        const { silence: s } = await silences().create(silence({}, base, base + MINUTE), 'alice', base);
        expect((await sweep(base + MINUTE - 1)).map((a) => a.id)).not.toContain(w.id(0));
        const ended = (await sweep(base + MINUTE)).filter((a) => a.id === w.id(0));
        expect(ended).toMatchObject([{ silencedBy: [], revision: 3 }]);
        expect((await trail(w.id(0)))[0]).toEqual(['unsilenced', 'system', `maintenance ${w.tag}`]);
        expect((await silences().get(s.id, base + MINUTE))!.state).toBe('expired');
      });
    });

    describe('list and get', () => {
      it('lists newest first, by state, in pages', async () => {
        const { silence } = world();
        const t = base + 10 * HOUR; // after every other test's silences
        const active = (await silences().create(silence({}, t - MINUTE, t + HOUR), 'a', t)).silence;
        const pending = (await silences().create(silence({}, t + HOUR, t + 2 * HOUR), 'b', t + 1)).silence;
        const expired = (await silences().create(silence({}, t, t + HOUR), 'c', t + 2)).silence;
        await silences().expire(expired.id, 'd', t + 3);
        const now = t + 4;
        const all = await silences().list({ now, limit: 3 });
        expect(all.items.map((s) => [s.id, s.state])).toEqual([
          [expired.id, 'expired'],
          [pending.id, 'pending'],
          [active.id, 'active'],
        ]);
        expect(all.nextCursor).not.toBeNull();
        const first = await silences().list({ now, limit: 1 });
        const second = await silences().list({ now, limit: 1, cursor: first.nextCursor! });
        expect([...first.items, ...second.items].map((s) => s.id)).toEqual([expired.id, pending.id]);
        for (const [state, silence] of [
          ['active', active],
          ['pending', pending],
          ['expired', expired],
        ] as const) {
          const page = await silences().list({ now, state, limit: 500 });
          expect(page.items.every((s) => s.state === state)).toBe(true);
          expect(page.items.map((s) => s.id)).toContain(silence.id);
        }
        await expect(silences().list({ now, limit: 0 })).rejects.toBeInstanceOf(ValidationError);
        await expect(silences().list({ now, cursor: 'junk!' })).rejects.toBeInstanceOf(ValidationError);
      });
    });

    describe('preview', () => {
      it('lists the episodes open during the last 24 h that match, newest first, with the total', async () => {
        const { w, ruleId, firing } = world();
        const now = base;
        const old = (n: number, detected: number) =>
          firing(n, `host=old-${n}`, { detectedAt: new Date(detected).toISOString() });
        await store().foldFirings([
          firing(0),
          firing(1, 'host=web-2'),
          old(2, now - 2 * SILENCE_PREVIEW_WINDOW_MS),
        ]);
        await store().foldFirings([old(3, now - 2 * SILENCE_PREVIEW_WINDOW_MS)]);
        await store().transition([w.id(2)], 'resolved', 'ann', null, {
          now: now - SILENCE_PREVIEW_WINDOW_MS - 1,
        });
        await store().transition([w.id(3)], 'resolved', 'ann', null, { now: now - HOUR });
        const preview = await silences().preview({ ruleId }, { now });
        expect(preview.items.map((a) => a.id)).toEqual([w.id(1), w.id(0), w.id(3)]);
        expect(preview.total).toBe(3);
        expect(
          (await silences().preview({ ruleId, key: 'host=web-2' }, { now })).items.map((a) => a.id),
        ).toEqual([w.id(1)]);
        const one = await silences().preview({ ruleId }, { now, limit: 1 });
        expect([one.items.length, one.total]).toEqual([1, 3]);
        expect((await silences().preview({ ruleId }, { now, scope: { source: ['logs'] } })).total).toBe(0);
        await expect(silences().preview({}, { now })).rejects.toBeInstanceOf(ValidationError);
        await expect(
          silences().preview({ ruleId }, { now, limit: MAX_SILENCE_PREVIEW + 1 }),
        ).rejects.toBeInstanceOf(ValidationError);
      });
    });
  });
}
