import {
  ALERT_STATUSES,
  type Alert,
  type AlertStatus,
  SEVERITIES,
  type Severity,
  SOURCES,
  type Source,
  ValidationError,
} from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { ids, makeAlert, newestFirst, type TimeWindow } from './alert-fixtures.ts';
import type { ContractContext } from './alert-store-contract.ts';
import { type AlertQuery, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './alert-store-port.ts';

const TEXTS = [
  ['Error spike on payments-api', '23 ERROR logs within 3 min (threshold 20)'],
  ['CPU saturation on db-7', 'cpu above 80% for 4 samples'],
  ['Large transfer', 'user moved 250 MB from the archive'],
  ['Login failures', '6 failed logins from 10.0.0.1 within 1 min'],
] as const;

/** 24 alerts mixing every filterable field, two sharing a detectedAt to exercise the id tie-break. */
function dataset(w: TimeWindow): Alert[] {
  return Array.from({ length: 24 }, (_, n) => {
    const [title, message] = TEXTS[n % TEXTS.length]!;
    return makeAlert({
      id: w.id(n),
      severity: SEVERITIES[n % SEVERITIES.length],
      source: SOURCES[n % SOURCES.length],
      service: n % 3 === 0 ? null : `svc-${w.tag}-${n % 3}`,
      ruleId: `rule-${w.tag}-${n % 2}`,
      userId: n % 4 === 0 ? `user-${w.tag}-${n % 8}` : null,
      key: `ip=10.${w.tag.length}.0.${n % 5}`,
      status: ALERT_STATUSES[n % ALERT_STATUSES.length],
      title,
      message,
      detectedAt: w.at(n === 11 ? 10_000 : n * 1000),
    });
  });
}

export function runQueryContract(ctx: ContractContext): void {
  /** Inserts the dataset into a fresh window and returns a checker for `query` against an in-memory filter. */
  const seeded = async () => {
    const w = ctx.window();
    const all = dataset(w);
    await ctx.store().insertAlerts(all);
    const expectQuery = async (query: AlertQuery, keep: (a: Alert) => boolean) => {
      const page = await ctx.store().queryAlerts({ ...w.range, ...query });
      expect(ids(page.items)).toEqual(ids(newestFirst(all.filter(keep))));
      expect(page.nextCursor).toBeNull();
    };
    return { w, all, expectQuery };
  };

  describe('queryAlerts filters', () => {
    it('lists everything in the range newest first, ties broken by id', async () => {
      const { all, expectQuery } = await seeded();
      await expectQuery({}, () => true);
      expect(all.filter((a) => a.detectedAt === all[10]!.detectedAt)).toHaveLength(2);
    });

    it('applies each filter alone, single and multi-select', async () => {
      const { w, expectQuery } = await seeded();
      const svc = (k: number) => `svc-${w.tag}-${k}`;
      const cases: [AlertQuery, (a: Alert) => boolean][] = [
        [{ severity: ['high'] }, (a) => a.severity === 'high'],
        [{ severity: ['info', 'critical'] }, (a) => ['info', 'critical'].includes(a.severity)],
        [{ source: ['metrics'] }, (a) => a.source === 'metrics'],
        [{ source: ['logs', 'security'] }, (a) => ['logs', 'security'].includes(a.source)],
        [{ service: [svc(1)] }, (a) => a.service === svc(1)],
        [{ service: [svc(1), svc(2)] }, (a) => a.service !== null],
        [{ ruleId: [`rule-${w.tag}-1`] }, (a) => a.ruleId.endsWith('-1')],
        [{ userId: [`user-${w.tag}-4`] }, (a) => a.userId === `user-${w.tag}-4`],
        [{ userId: [`user-${w.tag}-0`, `user-${w.tag}-4`] }, (a) => a.userId !== null],
        [{ key: [`ip=10.${w.tag.length}.0.3`] }, (a) => a.key === `ip=10.${w.tag.length}.0.3`],
        [{ key: [`ip=10.${w.tag.length}.0.1`, `ip=10.${w.tag.length}.0.2`] }, (a) => /\.[12]$/.test(a.key)],
        [{ status: ['resolved'] }, (a) => a.status === 'resolved'],
        [{ status: ['open', 'acknowledged'] }, (a) => a.status !== 'resolved'],
        [{ severity: [] }, () => true],
      ];
      for (const [query, keep] of cases) await expectQuery(query, keep);
    });

    it('matches service, ruleId and userId without a time range', async () => {
      const { w, all } = await seeded();
      const page = await ctx.store().queryAlerts({ ruleId: [`rule-${w.tag}-0`], limit: MAX_PAGE_SIZE });
      expect(ids(page.items)).toEqual(ids(newestFirst(all.filter((a) => a.ruleId.endsWith('-0')))));
      const byUser = await ctx.store().queryAlerts({ userId: [`user-${w.tag}-0`] });
      expect(ids(byUser.items)).toEqual(ids(newestFirst(all.filter((a) => a.userId === `user-${w.tag}-0`))));
    });

    it('combines filters with AND', async () => {
      const { w, expectQuery } = await seeded();
      await expectQuery(
        { severity: ['high', 'critical', 'low'], source: ['logs', 'metrics'], status: ['open', 'resolved'] },
        (a) =>
          ['high', 'critical', 'low'].includes(a.severity) &&
          ['logs', 'metrics'].includes(a.source) &&
          a.status !== 'acknowledged',
      );
      await expectQuery(
        { service: [`svc-${w.tag}-1`], ruleId: [`rule-${w.tag}-1`], q: 'cpu' },
        (a) => a.service === `svc-${w.tag}-1` && a.ruleId.endsWith('-1') && a.title.startsWith('CPU'),
      );
      await expectQuery({ severity: ['critical'], userId: [`user-${w.tag}-0`] }, () => false);
    });

    it('searches title and message with q: every word, word prefixes, any case', async () => {
      const { expectQuery } = await seeded();
      const has = (text: string) => (a: Alert) => `${a.title} ${a.message}`.toLowerCase().includes(text);
      await expectQuery({ q: 'spike' }, has('spike'));
      await expectQuery({ q: 'SATURATION' }, has('saturation'));
      await expectQuery({ q: 'pay' }, has('payments'));
      await expectQuery({ q: 'payments-api' }, has('payments-api'));
      await expectQuery({ q: 'failed logins' }, has('failed logins'));
      await expectQuery({ q: 'logins transfer' }, () => false);
      await expectQuery({ q: 'archive' }, has('archive'));
      await expectQuery({ q: 'mb' }, has(' mb '));
      await expectQuery({ q: 'zzzunknown' }, () => false);
      await expectQuery({ q: '  !!! ' }, () => true);
    });

    it('keeps detectedAt in [from, to)', async () => {
      const { w, all } = await seeded();
      const page = await ctx.store().queryAlerts({ from: w.at(5000), to: new Date(w.startMs + 10_000) });
      const inside = all.filter((a) => a.detectedAt >= w.at(5000) && a.detectedAt < w.at(10_000));
      expect(ids(page.items)).toEqual(ids(newestFirst(inside)));
      expect(inside).toHaveLength(5);
      const none = await ctx.store().queryAlerts({ from: w.at(5000), to: w.at(5000) });
      expect(none.items).toEqual([]);
    });

    it('rejects bad filters with ValidationError', async () => {
      const w = ctx.window();
      const bad: AlertQuery[] = [
        { severity: ['urgent' as Severity] },
        { source: ['mail' as Source] },
        { status: ['closed' as AlertStatus] },
        { from: 'yesterday' },
        { from: w.at(1000), to: w.at(0) },
        { q: 'x'.repeat(201) },
        { service: Array.from({ length: 101 }, (_, n) => `s${n}`) },
      ];
      for (const query of bad) await expect(ctx.store().queryAlerts(query)).rejects.toThrow(ValidationError);
    });
  });

  describe('queryAlerts limit', () => {
    it(`defaults to ${DEFAULT_PAGE_SIZE}, allows 1 to ${MAX_PAGE_SIZE}, rejects anything else`, async () => {
      const w = ctx.window();
      const many = Array.from({ length: 60 }, (_, n) => makeAlert({ id: w.id(n), detectedAt: w.at(n * 10) }));
      await ctx.store().insertAlerts(many);
      const first = await ctx.store().queryAlerts(w.range);
      expect(first.items).toHaveLength(DEFAULT_PAGE_SIZE);
      expect(first.nextCursor).not.toBeNull();
      expect((await ctx.store().queryAlerts({ ...w.range, limit: 1 })).items).toHaveLength(1);
      const max = await ctx.store().queryAlerts({ ...w.range, limit: MAX_PAGE_SIZE });
      expect(max.items).toHaveLength(60);
      expect(max.nextCursor).toBeNull();
      for (const limit of [0, -1, MAX_PAGE_SIZE + 1, 1.5, Number.NaN]) {
        await expect(ctx.store().queryAlerts({ ...w.range, limit })).rejects.toThrow(ValidationError);
      }
    });

    it('gives no cursor when the last page is exactly full', async () => {
      const w = ctx.window();
      await ctx
        .store()
        .insertAlerts([0, 1, 2, 3].map((n) => makeAlert({ id: w.id(n), detectedAt: w.at(n) })));
      const first = await ctx.store().queryAlerts({ ...w.range, limit: 2 });
      const second = await ctx.store().queryAlerts({ ...w.range, limit: 2, cursor: first.nextCursor! });
      expect(ids(second.items)).toEqual([w.id(1), w.id(0)]);
      expect(second.nextCursor).toBeNull();
    });
  });

  runPaginationContract(ctx);
}

function runPaginationContract(ctx: ContractContext): void {
  /** Follows nextCursor from the first page to the last; `between` runs after each page. */
  const walk = async (query: AlertQuery, between: (page: number) => Promise<void> = async () => {}) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const result = await ctx.store().queryAlerts({ ...query, ...(cursor ? { cursor } : {}) });
      seen.push(...ids(result.items));
      if (!result.nextCursor) return seen;
      cursor = result.nextCursor;
      await between(page);
    }
    throw new Error('pagination did not end');
  };

  /** 37 alerts, three at each instant, so page boundaries fall between alerts that tie on detectedAt. */
  const tied = (w: TimeWindow) =>
    Array.from({ length: 37 }, (_, n) =>
      makeAlert({ id: w.id(n), detectedAt: w.at(Math.floor(n / 3) * 1000), severity: SEVERITIES[n % 5] }),
    );

  describe('queryAlerts pagination', () => {
    it('walks every page with no duplicate and no gap, ties included', async () => {
      const w = ctx.window();
      const all = tied(w);
      await ctx.store().insertAlerts(all);
      for (const limit of [1, 4, 5, 36, 37, 38]) {
        expect(await walk({ ...w.range, limit })).toEqual(ids(newestFirst(all)));
      }
    });

    it('walks filtered pages the same way', async () => {
      const w = ctx.window();
      const all = tied(w);
      await ctx.store().insertAlerts(all);
      const keep = all.filter((a) => a.severity === 'high' || a.severity === 'info');
      expect(await walk({ ...w.range, severity: ['high', 'info'], limit: 2 })).toEqual(
        ids(newestFirst(keep)),
      );
    });

    it('stays stable while newer alerts are inserted between pages', async () => {
      const w = ctx.window();
      const all = tied(w);
      await ctx.store().insertAlerts(all);
      let extra = 0;
      const insertNewer = async () => {
        const newer = [0, 1, 2].map(() =>
          makeAlert({ id: w.id(1000 + extra), detectedAt: w.at(3_600_000 + extra++) }),
        );
        await ctx.store().insertAlerts(newer);
      };
      expect(await walk({ ...w.range, limit: 5 }, insertNewer)).toEqual(ids(newestFirst(all)));
      expect(extra).toBeGreaterThan(0);
    });

    it('rejects a cursor it did not make with ValidationError', async () => {
      const b64 = (text: string) => Buffer.from(text).toString('base64url');
      const bad = [
        'not a cursor!',
        '',
        b64('{"a":1}'),
        b64('["2030-01-01T00:00:00.000Z"]'),
        b64('["yesterday","id"]'),
        b64('["2030-01-01T00:00:00.000Z",42]'),
        b64('["2030-01-01T00:00:00.000Z",""]'),
        'x'.repeat(5000),
      ];
      for (const cursor of bad)
        await expect(ctx.store().queryAlerts({ cursor })).rejects.toThrow(ValidationError);
    });
  });
}
