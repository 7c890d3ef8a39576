import type { Alert } from '@vigil/core';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { FoldPath } from './alert-episodes.ts';
import { latencyFiring, type TimeWindow, windowAllocator } from './alert-fixtures.ts';
import { createAlertStore } from './alert-store.ts';
import type { AlertStore, FoldResult } from './alert-store-port.ts';
import { openForSuite } from './contract-suite.ts';
import type { Database } from './open-database.ts';

const MINUTE = 60_000;

/**
 * The two ways of folding (alert-episodes.ts): the one statement takes the common case, the transaction the
 * rest, and both write the same episodes. Each test gets a store of its own (its own fold hints) and sees
 * which way every fold went.
 */
export function runFoldPathsContract(
  name: string,
  open: () => Promise<{ database: Database; close(): Promise<void> }>,
): void {
  describe(`fold paths: ${name}`, { timeout: 30_000 }, () => {
    const opened = openForSuite(open);
    const nextWindow = windowAllocator();

    function world() {
      const paths: FoldPath[] = [];
      const store = createAlertStore({
        db: opened().database.db,
        logger: pino({ level: 'silent' }),
        onFold: (path) => paths.push(path),
      });
      const w = nextWindow();
      const ruleId = `metrics.latency-high.${w.tag}`;
      const firing = (n: number, atMs: number, key = 'host=a') => latencyFiring(w, n, atMs, key);
      return { store, paths, w, ruleId, firing };
    }

    /** An episode without what differs between two windows (ids, rule, instants), instants as offsets. */
    const shape = (w: TimeWindow, episode: Alert) => ({
      key: episode.key,
      status: episode.status,
      occurrences: episode.occurrences,
      revision: episode.revision,
      value: episode.value,
      message: episode.message,
      silencedBy: episode.silencedBy,
      firstSeen: Date.parse(episode.firstSeenAt!) - w.startMs,
      lastSeen: Date.parse(episode.lastSeenAt!) - w.startMs,
      resolvedBy: episode.resolvedBy,
    });
    const shapeOf = (w: TimeWindow, result: FoldResult) => ({
      firings: result.firings.map((f) => [f.outcome, shape(w, f.episode)]),
      resolved: result.resolved.map((e) => shape(w, e)),
    });

    /** New episodes, folds into open ones, a late firing and a firing repeated in the batch. */
    async function scenario(store: AlertStore, firing: ReturnType<typeof world>['firing'], now: number) {
      const first = await store.foldFirings(
        [firing(0, 0), firing(1, 1000), firing(2, 2000, 'host=b'), firing(3, 500, 'host=c')],
        now,
      );
      const second = await store.foldFirings(
        [
          firing(4, 3000),
          firing(5, 1500),
          firing(5, 1500),
          firing(6, 2500, 'host=b'),
          firing(7, 0, 'host=d'),
        ],
        now,
      );
      return [first, second];
    }

    it('folds the common case in one statement, writing what the transaction writes', async () => {
      const now = Date.now();
      const fast = world();
      const fastResults = await scenario(fast.store, fast.firing, now);
      expect(fast.paths).toEqual(['one-statement', 'one-statement']);

      // The same firings through the transaction: an active silence (of another rule) makes it decline.
      const general = world();
      const { silence } = await opened().database.silences.create(
        {
          matchers: { ruleId: `${general.ruleId}.other` },
          startsAt: new Date(now - MINUTE).toISOString(),
          endsAt: new Date(now + MINUTE).toISOString(),
          comment: 'forces the transaction',
        },
        'test',
        now - MINUTE,
      );
      try {
        const generalResults = await scenario(general.store, general.firing, now);
        expect(general.paths).toEqual(['transaction', 'transaction']);
        expect(generalResults.map((r) => shapeOf(general.w, r))).toEqual(
          fastResults.map((r) => shapeOf(fast.w, r)),
        );
        for (const { w, store } of [fast, general]) {
          const stored = (await store.queryAlerts(w.range)).items.map((e) => shape(w, e));
          expect(stored).toHaveLength(4);
          if (w === fast.w) continue;
          const fastStored = (await fast.store.queryAlerts(fast.w.range)).items.map((e) => shape(fast.w, e));
          expect(stored).toEqual(fastStored);
        }
      } finally {
        await opened().database.silences.expire(silence.id, 'test', Date.now());
      }
      expect(fastResults[1]!.firings.map((f) => f.outcome)).toEqual([
        'updated',
        'updated',
        'duplicate',
        'updated',
        'opened',
      ]);
    });

    it('resolves an episode that a run comes too late for in the transaction, the other runs in one statement', async () => {
      const { store, paths, w, firing } = world();
      const now = Date.now();
      await store.foldFirings([firing(0, 0), firing(1, 0, 'host=b')], now);
      // host=a comes back after its resolveAfterMs (5 min); host=b within it.
      const result = await store.foldFirings([firing(2, 6 * MINUTE), firing(3, 4 * MINUTE, 'host=b')], now);
      expect(paths).toEqual(['one-statement', 'one-statement-then-transaction']);
      expect(result.resolved).toMatchObject([{ id: w.id(0), status: 'resolved', resolvedBy: 'system' }]);
      expect(result.firings).toMatchObject([
        { firingId: w.id(2), outcome: 'opened', episode: { id: w.id(2), occurrences: 1, status: 'open' } },
        { firingId: w.id(3), outcome: 'updated', episode: { id: w.id(1), occurrences: 2, revision: 2 } },
      ]);
      expect((await store.queryAlerts(w.range)).items.map((e) => [e.id, e.status, e.occurrences])).toEqual([
        [w.id(2), 'open', 1],
        [w.id(1), 'open', 2],
        [w.id(0), 'resolved', 1],
      ]);
    });

    it('leaves a replayed batch to the transaction, which reports duplicates and changes nothing', async () => {
      const { store, paths, w, firing } = world();
      const batch = [firing(0, 0), firing(1, 1000)];
      const first = await store.foldFirings(batch, Date.now());
      const again = await store.foldFirings(batch, Date.now());
      expect(paths).toEqual(['one-statement', 'transaction']);
      expect(again.firings.map((f) => f.outcome)).toEqual(['duplicate', 'duplicate']);
      expect(again.firings[0]!.episode).toEqual(first.firings[1]!.episode);
      expect((await store.getAlert(w.id(0)))?.revision).toBe(1);
    });

    it('records concurrent folds of the same firings once, whichever way each went', async () => {
      const { store, w, firing } = world();
      const batch = Array.from({ length: 40 }, (_, n) => firing(n, n * 1000, `host=${n % 4}`));
      const halves = [batch.slice(0, 20), batch.slice(20)];
      const results = await Promise.all([...halves, ...halves, ...halves].map((h) => store.foldFirings(h)));
      const outcomes = results.flatMap((r) => r.firings.map((f) => f.outcome));
      expect(outcomes.filter((o) => o !== 'duplicate')).toHaveLength(40);
      const episodes = (await store.queryAlerts(w.range)).items;
      expect(episodes.map((e) => e.occurrences).reduce((a, b) => (a ?? 0) + (b ?? 0), 0)).toBe(40);
      expect(episodes).toHaveLength(4);
    });
  });
}
