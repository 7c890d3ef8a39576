import {
  ALERT_STATUSES,
  type Alert,
  isAlert,
  SEVERITIES,
  type Severity,
  SOURCES,
  ValidationError,
} from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { runEntitiesContract } from './alert-entities-contract.ts';
import { runEpisodesContract } from './alert-episodes-contract.ts';
import { ids, makeAlert, newestFirst, type TimeWindow, windowAllocator } from './alert-fixtures.ts';
import { runLifecycleContract } from './alert-lifecycle-contract.ts';
import { runQueryContract } from './alert-query-contract.ts';
import { runStatsContract } from './alert-stats-contract.ts';
import type { AlertStore } from './alert-store-port.ts';
import { openForSuite } from './contract-suite.ts';

export interface OpenedStore {
  store: AlertStore;
  close(): Promise<void>;
}

/** What each part of the contract gets: the shared store (opened once per file) and a fresh time window. */
export interface ContractContext {
  store(): AlertStore;
  window(): TimeWindow;
}

/**
 * The behaviour every AlertStore implementation must have. Opens one store for the whole suite (PGlite
 * takes seconds to start); tests stay independent by writing into disjoint time windows with unique ids.
 */
export function runAlertStoreContract(name: string, open: () => Promise<OpenedStore>): void {
  // Generous limits: PGlite starts in seconds, and the machine running the suite may be busy.
  describe(`AlertStore contract: ${name}`, { timeout: 30_000 }, () => {
    const opened = openForSuite(open);
    const ctx: ContractContext = {
      store: () => opened().store,
      window: windowAllocator(),
    };

    runWriteContract(ctx);
    runQueryContract(ctx);
    runStatsContract(ctx);
    runEntitiesContract(ctx);
    runLifecycleContract(ctx);
    // Last: auto-resolve resolves every idle episode in the shared database, other tests' alerts included.
    runEpisodesContract(ctx);
  });
}

function runWriteContract(ctx: ContractContext): void {
  describe('insertAlerts', () => {
    it('stores each id once and returns how many were new', async () => {
      const w = ctx.window();
      const batch = [0, 1, 2].map((n) => makeAlert({ id: w.id(n), detectedAt: w.at(n * 1000) }));
      expect(await ctx.store().insertAlerts(batch)).toBe(3);
      expect(await ctx.store().insertAlerts(batch)).toBe(0);
      const extra = makeAlert({ id: w.id(3), detectedAt: w.at(3000) });
      expect(await ctx.store().insertAlerts([...batch, extra])).toBe(1);
      expect((await ctx.store().queryAlerts(w.range)).items).toHaveLength(4);
    });

    it('counts an id repeated inside one batch once', async () => {
      const w = ctx.window();
      const alert = makeAlert({ id: w.id(0), detectedAt: w.at(0) });
      expect(await ctx.store().insertAlerts([alert, alert, { ...alert, title: 'second copy' }])).toBe(1);
      expect((await ctx.store().getAlert(alert.id))?.title).toBe(alert.title);
    });

    it('accepts an empty batch and batches larger than one statement', async () => {
      expect(await ctx.store().insertAlerts([])).toBe(0);
      const w = ctx.window();
      const many = Array.from({ length: 2100 }, (_, n) => makeAlert({ id: w.id(n), detectedAt: w.at(n) }));
      expect(await ctx.store().insertAlerts(many)).toBe(2100);
      expect((await ctx.store().summary(w.range)).total).toBe(2100);
    });

    it('keeps the first copy when a redelivery differs', async () => {
      const w = ctx.window();
      const alert = makeAlert({ id: w.id(0), detectedAt: w.at(0), status: 'open' });
      await ctx.store().insertAlerts([alert]);
      await ctx.store().insertAlerts([{ ...alert, message: 'changed' }]);
      expect((await ctx.store().getAlert(alert.id))?.message).toBe(alert.message);
    });

    it('rejects an alert that breaks the contract with ValidationError', async () => {
      const w = ctx.window();
      const bad = [
        makeAlert({ id: w.id(0), severity: 'urgent' as Severity }),
        makeAlert({ id: w.id(1), detectedAt: 'yesterday' }),
        makeAlert({ id: w.id(2), windowEnd: 'not a date' }),
      ];
      for (const alert of bad)
        await expect(ctx.store().insertAlerts([alert])).rejects.toThrow(ValidationError);
      expect(await ctx.store().getAlert(w.id(0))).toBeNull();
    });
  });

  describe('markPublished', () => {
    it('records the first publication time and skips unknown ids', async () => {
      const w = ctx.window();
      await ctx
        .store()
        .insertAlerts([
          makeAlert({ id: w.id(0), publishedAt: null }),
          makeAlert({ id: w.id(1), publishedAt: null }),
        ]);
      const first = '2026-11-21T14:00:00.000Z';
      await ctx.store().markPublished(
        [
          { id: w.id(0), revision: 1 },
          { id: w.id(9), revision: 1 },
        ],
        first,
      );
      await ctx.store().markPublished([{ id: w.id(0), revision: 1 }], '2026-11-21T15:00:00.000Z');
      await ctx.store().markPublished([], first);
      expect((await ctx.store().getAlert(w.id(0)))?.publishedAt).toBe(first);
      expect((await ctx.store().getAlert(w.id(1)))?.publishedAt).toBeNull();
    });

    it('takes each mark’s own publication time and merges marks of one alert (highest revision, first time)', async () => {
      const w = ctx.window();
      await ctx.store().insertAlerts([makeAlert({ id: w.id(0) }), makeAlert({ id: w.id(1) })]);
      await ctx.store().updateStatus(w.id(0), 'acknowledged', 'user:ann'); // revision 2
      const marks = [
        { id: w.id(0), revision: 2, publishedAt: '2030-01-01T00:00:05.000Z' },
        { id: w.id(0), revision: 1, publishedAt: '2030-01-01T00:00:04.000Z' },
        { id: w.id(1), revision: 1 },
      ];
      await ctx.store().markPublished(marks, '2030-01-01T00:00:09.000Z');
      expect((await ctx.store().getAlert(w.id(0)))?.publishedAt).toBe('2030-01-01T00:00:04.000Z');
      expect((await ctx.store().getAlert(w.id(1)))?.publishedAt).toBe('2030-01-01T00:00:09.000Z');
      const unpublished = (await ctx.store().unpublishedChanges(1_000_000)).map((a) => a.id);
      expect(unpublished).not.toContain(w.id(0)); // revision 2 is marked, whichever mark the join met first
      expect(unpublished).not.toContain(w.id(1));
    });

    it('lists a change until its revision is marked published, and a late mark of an older one hides nothing', async () => {
      const w = ctx.window();
      const unpublished = async () =>
        // A limit above what the other tests of the file leave unpublished (oldest first).
        (await ctx.store().unpublishedChanges(1_000_000))
          .filter((a) => a.id.startsWith(w.tag))
          .map((a) => a.id);
      await ctx.store().insertAlerts([makeAlert({ id: w.id(0) }), makeAlert({ id: w.id(1) })]);
      expect((await unpublished()).sort()).toEqual([w.id(0), w.id(1)].sort());
      await ctx.store().markPublished(
        [
          { id: w.id(0), revision: 1 },
          { id: w.id(1), revision: 1 },
        ],
        '2030-01-01T00:00:02.000Z',
      );
      expect(await unpublished()).toEqual([]);

      await ctx.store().updateStatus(w.id(0), 'acknowledged', 'user:ann');
      expect(await unpublished()).toEqual([w.id(0)]); // revision 2, committed, not on the bus yet
      await ctx.store().markPublished([{ id: w.id(0), revision: 1 }], '2030-01-01T00:00:03.000Z');
      expect(await unpublished()).toEqual([w.id(0)]);
      await ctx.store().markPublished([{ id: w.id(0), revision: 2 }], '2030-01-01T00:00:03.000Z');
      expect(await unpublished()).toEqual([]);
    });
  });

  describe('addArchiveKeys', () => {
    it('appends new keys once, keeps existing ones, skips unknown ids', async () => {
      const w = ctx.window();
      const evidence = { refs: [], eventIds: ['e1'], archiveKeys: ['raw/a'] };
      const [withKeys, bare] = [
        makeAlert({ id: w.id(0), evidence }),
        makeAlert({ id: w.id(1), evidence: undefined }),
      ];
      await ctx.store().insertAlerts([withKeys!, bare!]);
      await ctx.store().addArchiveKeys([
        { id: w.id(0), archiveKeys: ['raw/b', 'raw/a'] },
        { id: w.id(0), archiveKeys: ['raw/c', 'raw/b'] },
        { id: w.id(1), archiveKeys: ['raw/z'] },
        { id: w.id(9), archiveKeys: ['raw/x'] },
      ]);
      await ctx.store().addArchiveKeys([{ id: w.id(0), archiveKeys: ['raw/c'] }]);
      await ctx.store().addArchiveKeys([]);
      expect((await ctx.store().getAlert(w.id(0)))?.evidence).toEqual({
        ...evidence,
        archiveKeys: ['raw/a', 'raw/b', 'raw/c'],
      });
      expect((await ctx.store().getAlert(w.id(1)))?.evidence).toEqual({
        refs: [],
        eventIds: [],
        archiveKeys: ['raw/z'],
      });
      expect(await ctx.store().getAlert(w.id(9))).toBeNull();
    });
  });

  describe('getAlert', () => {
    it('returns the stored alert in core shape, every field intact', async () => {
      const w = ctx.window();
      const alert = makeAlert({
        id: w.id(0),
        userId: 'u-42',
        value: 0.125,
        threshold: null,
        eventTime: w.at(0),
        detectedAt: w.at(1500),
        publishedAt: w.at(1600),
      });
      await ctx.store().insertAlerts([alert]);
      const stored = await ctx.store().getAlert(alert.id);
      expect(stored).toEqual(alert);
      expect(isAlert(stored)).toBe(true);
    });

    it('gives null optional timestamps and no evidence when none were stored', async () => {
      const w = ctx.window();
      const { windowStart, windowEnd, ingestedAt, publishedAt, evidence, ...bare } = makeAlert({
        id: w.id(0),
      });
      await ctx.store().insertAlerts([bare]);
      const nulls = { windowStart: null, windowEnd: null, ingestedAt: null, publishedAt: null };
      expect(await ctx.store().getAlert(bare.id)).toEqual({ ...bare, ...nulls });
    });

    it('normalizes timestamps to UTC ISO with milliseconds', async () => {
      const w = ctx.window();
      const local = new Date(w.startMs).toISOString().replace('T00:00:00.000Z', 'T02:00:00+02:00');
      await ctx.store().insertAlerts([makeAlert({ id: w.id(0), detectedAt: local })]);
      expect((await ctx.store().getAlert(w.id(0)))?.detectedAt).toBe(w.at(0));
    });

    it('round-trips every severity, source and status of core', async () => {
      const w = ctx.window();
      const batch: Alert[] = [
        ...SEVERITIES.map((severity, n) => makeAlert({ id: w.id(n), severity })),
        ...SOURCES.map((source, n) => makeAlert({ id: w.id(10 + n), source })),
        ...ALERT_STATUSES.map((status, n) => makeAlert({ id: w.id(20 + n), status })),
      ];
      expect(await ctx.store().insertAlerts(batch)).toBe(batch.length);
      for (const alert of batch) expect(await ctx.store().getAlert(alert.id)).toEqual(alert);
    });

    it('returns null for an unknown id', async () => {
      expect(await ctx.store().getAlert(`${ctx.window().tag}-missing`)).toBeNull();
    });
  });

  describe('updateStatus', () => {
    it('changes the status, returns the updated alert and is seen by queries', async () => {
      const w = ctx.window();
      const alerts = [0, 1].map((n) => makeAlert({ id: w.id(n), detectedAt: w.at(n), status: 'open' }));
      await ctx.store().insertAlerts(alerts);
      const updated = await ctx.store().updateStatus(w.id(0), 'acknowledged');
      expect(updated).toEqual({ ...alerts[0], status: 'acknowledged', revision: 2 });
      expect(await ctx.store().getAlert(w.id(0))).toEqual(updated);
      const acked = await ctx.store().queryAlerts({ ...w.range, status: ['acknowledged'] });
      expect(ids(acked.items)).toEqual([w.id(0)]);
      const resolved = await ctx.store().updateStatus(w.id(0), 'resolved', 'alice');
      expect(resolved).toMatchObject({ status: 'resolved', resolvedBy: 'alice', revision: 3 });
      expect(resolved?.resolvedAt).not.toBeNull();
      expect(await ctx.store().updateStatus(w.id(0), 'open')).toMatchObject({
        resolvedAt: null,
        revision: 4,
      });
    });

    it('returns null for an unknown id and rejects an unknown status', async () => {
      const w = ctx.window();
      expect(await ctx.store().updateStatus(w.id(99), 'resolved')).toBeNull();
      await ctx.store().insertAlerts([makeAlert({ id: w.id(0) })]);
      await expect(ctx.store().updateStatus(w.id(0), 'closed' as 'resolved')).rejects.toThrow(
        ValidationError,
      );
      expect((await ctx.store().getAlert(w.id(0)))?.status).toBe('open');
    });
  });

  describe('ping', () => {
    it('resolves while the database answers', async () => {
      await expect(ctx.store().ping()).resolves.toBeUndefined();
    });
  });

  describe('newestFirst (test helper)', () => {
    it('orders by detectedAt then id, descending', () => {
      const a = makeAlert({ id: 'a1', detectedAt: '2030-01-01T00:00:00.000Z' });
      const b = makeAlert({ id: 'b1', detectedAt: '2030-01-01T00:00:00.000Z' });
      const c = makeAlert({ id: 'a0', detectedAt: '2030-01-01T00:00:01.000Z' });
      expect(ids(newestFirst([a, b, c]))).toEqual(['a0', 'b1', 'a1']);
    });
  });
}
