import { gzipSync } from 'node:zlib';
import { rawBatchKey } from '@vigil/adapters';
import type { Alert, Archive } from '@vigil/core';
import { backtestMatchKey, parseRule, type Rule } from '@vigil/core/rules';
import { describe, expect, it } from 'vitest';
import { createRuleEngine } from '../rules/index.ts';
import { backtestAnswer } from './backtest-answer.ts';
import { foldEpisodes } from './fold-episodes.ts';
import { replayRule } from './replay-rule.ts';

// In the past: the engine refuses events more than a minute ahead of its clock (Date.now).
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const SECOND = 1_000;
const MINUTE = 60_000;

/** An in-memory archive holding gzipped NDJSON objects under the archiver's keys. */
function fakeArchive() {
  const objects = new Map<string, Uint8Array>();
  const archive: Pick<Archive, 'get' | 'list'> = {
    get: async (key) => objects.get(key) ?? null,
    list: async (prefix) => [...objects.keys()].filter((k) => k.startsWith(prefix)).sort(),
  };
  /** Archives events of one partition as the archiver would (one object per hour of event time). */
  const put = (partition: number, firstOffset: number, events: Record<string, unknown>[]) => {
    const key = rawBatchKey({
      source: 'logs',
      eventTime: Date.parse(events[0]!.ts as string),
      topic: 'events.logs',
      partition,
      firstOffset,
      lastOffset: firstOffset + events.length - 1,
    });
    objects.set(key, gzipSync(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`));
  };
  return { archive, put, objects };
}

const log = (at: number, fields: Record<string, unknown> = {}) => ({
  ts: new Date(T0 + at).toISOString(),
  service: 'payments',
  level: 'ERROR',
  message: 'boom',
  ...fields,
});

const spike = (threshold: number): Rule =>
  parseRule({
    id: 'logs.spike',
    title: 'Spike',
    source: 'logs',
    severity: 'high',
    kind: 'count',
    where: { field: 'level', eq: 'ERROR' },
    keyBy: ['service'],
    threshold,
    windowMs: 3 * MINUTE,
  });
const failed: Rule = parseRule({
  id: 'logs.failed',
  title: 'Failed',
  source: 'logs',
  severity: 'low',
  kind: 'match',
  where: { field: 'message', contains: 'failed' },
});

/** Two partitions, each in time order, interleaved in time: 25 errors of payments, 6 of search. */
function scenario() {
  const fake = fakeArchive();
  const p0 = Array.from({ length: 25 }, (_, i) => log(i * 2 * SECOND, { id: `p${i}` }));
  const p1 = Array.from({ length: 6 }, (_, i) =>
    log(i * 5 * SECOND + SECOND, { id: `s${i}`, service: 'search' }),
  );
  fake.put(0, 0, p0);
  fake.put(1, 100, p1);
  return { ...fake, p0, p1 };
}

describe('replayRule', () => {
  it('raises what a live engine fed the same events raises: same ids, in event-time order across partitions', async () => {
    const { archive, p0, p1 } = scenario();
    const result = await replayRule({ archive, rule: spike(5), from: T0, to: T0 + 10 * MINUTE });
    const live = createRuleEngine({ rules: [spike(5)], now: Date.now });
    const merged = [
      ...p0.map((event, i) => ({ event, ref: { topic: 'events.logs', partition: 0, offset: String(i) } })),
      ...p1.map((event, i) => ({
        event,
        ref: { topic: 'events.logs', partition: 1, offset: String(100 + i) },
      })),
    ].sort((a, b) => Date.parse(a.event.ts) - Date.parse(b.event.ts));
    const expected = merged.flatMap(({ event, ref }) => live.evaluate({ source: 'logs', event, ref }).alerts);
    expect(result.firings.map((a) => a.id)).toEqual(expected.map((a) => a.id));
    expect(result.firings.map((a) => a.key)).toEqual(['service=payments', 'service=search']);
    expect(result.stats).toMatchObject({ events: 31, objects: 2, invalidLines: 0, firings: 2 });
    expect(result.stopped).toBeNull();
  });

  it('per-event rules get the ids of the live engine from the archived positions (events without an id)', async () => {
    const fake = fakeArchive();
    fake.put(3, 40, [log(0, { message: 'x' }), log(SECOND, { message: 'failed' })]);
    const { firings } = await replayRule({ archive: fake.archive, rule: failed, from: T0, to: T0 + MINUTE });
    const live = createRuleEngine({ rules: [failed], now: Date.now });
    const ref = { topic: 'events.logs', partition: 3, offset: '41' };
    const [expected] = live.evaluate({
      source: 'logs',
      event: log(SECOND, { message: 'failed' }),
      ref,
    }).alerts;
    expect(firings.map((a) => a.id)).toEqual([expected!.id]);
    expect(firings[0]?.evidence?.refs).toEqual([ref]);
  });

  it('warms windows up before `from` and drops the warm-up’s firings; events past `to` are not replayed', async () => {
    const fake = fakeArchive();
    // 4 errors before from, 1 after: the 5th completes a window that began before from.
    fake.put(
      0,
      0,
      [0, 1, 2, 3, 4, 5, 6].map((s) => log(s * 10 * SECOND)),
    );
    const from = T0 + 35 * SECOND;
    const result = await replayRule({ archive: fake.archive, rule: spike(5), from, to: T0 + 55 * SECOND });
    expect(result.stats).toMatchObject({ events: 7, warmupEvents: 4, firings: 1 });
    expect(result.firings[0]?.windowStart).toBe(new Date(T0).toISOString());
  });

  it('skips lines that are not valid events, as the processor dead-letters them', async () => {
    const fake = fakeArchive();
    fake.put(0, 0, [log(0, { message: 'failed' }), { ts: 'yesterday' }, log(SECOND, { message: 'failed' })]);
    const result = await replayRule({ archive: fake.archive, rule: failed, from: T0, to: T0 + MINUTE });
    expect(result.stats).toMatchObject({ invalidLines: 1, firings: 2 });
  });

  describe('bounds', () => {
    it('stops at maxEvents and says so', async () => {
      const { archive } = scenario();
      const result = await replayRule({
        archive,
        rule: spike(5),
        from: T0,
        to: T0 + 10 * MINUTE,
        limits: { maxEvents: 1 },
      });
      expect(result.stopped).toEqual({ reason: 'maxEvents', limit: 1 });
    });

    it('stops at maxFirings', async () => {
      const fake = fakeArchive();
      fake.put(
        0,
        0,
        [0, 1, 2].map((s) => log(s * SECOND, { message: 'failed' })),
      );
      const result = await replayRule({
        archive: fake.archive,
        rule: failed,
        from: T0,
        to: T0 + MINUTE,
        limits: { maxFirings: 2 },
      });
      expect(result.stopped).toEqual({ reason: 'maxFirings', limit: 2 });
      expect(result.firings).toHaveLength(2);
    });

    it('is cancelled by its signal', async () => {
      const { archive } = scenario();
      const controller = new AbortController();
      controller.abort();
      const result = await replayRule({
        archive,
        rule: spike(5),
        from: T0,
        to: T0 + 10 * MINUTE,
        signal: controller.signal,
      });
      expect(result.stopped).toEqual({ reason: 'cancelled', limit: null });
      expect(result.firings).toEqual([]);
    });

    it('reports progress, the last report after the last event', async () => {
      const { archive } = scenario();
      const reports: number[] = [];
      await replayRule({
        archive,
        rule: spike(5),
        from: T0,
        to: T0 + 10 * MINUTE,
        onProgress: (p) => reports.push(p.events),
      });
      expect(reports.at(-1)).toBe(31);
    });
  });
});

describe('foldEpisodes', () => {
  const firing = (at: number, key = 'service=a'): Alert =>
    ({
      id: `f${at}`,
      ruleId: 'r',
      key,
      eventTime: new Date(T0 + at).toISOString(),
      value: at,
      message: `m${at}`,
      windowStart: null,
      windowEnd: null,
    }) as Alert;

  it('folds firings of one rule and key within resolveAfterMs; a longer gap opens a new episode', () => {
    const episodes = foldEpisodes(
      [firing(0), firing(60_000), firing(61_000, 'service=b'), firing(500_000)],
      300_000,
    );
    expect(episodes.map((e) => [e.id, e.key, e.occurrences, e.lastSeenAt, e.value])).toEqual([
      ['f0', 'service=a', 2, new Date(T0 + 60_000).toISOString(), 60_000],
      ['f61000', 'service=b', 1, new Date(T0 + 61_000).toISOString(), 61_000],
      ['f500000', 'service=a', 1, new Date(T0 + 500_000).toISOString(), 500_000],
    ]);
  });
});

describe('backtestAnswer', () => {
  it('diffs by rule, key and window against what the rule in force raised', async () => {
    const { archive } = scenario();
    const replay = await replayRule({ archive, rule: spike(5), from: T0, to: T0 + 10 * MINUTE });
    const payments = replay.episodes.find((e) => e.key === 'service=payments')!;
    const stale = { ...payments, key: 'service=gone', id: 'old' };
    const answer = backtestAnswer({
      ruleId: 'logs.spike',
      from: T0,
      to: T0 + 10 * MINUTE,
      replay,
      current: {
        version: 3,
        raised: [{ ...payments, value: 20, id: 'other-firing-same-window' }, stale],
        truncated: false,
      },
    });
    expect(answer.rule).toEqual({ id: 'logs.spike', version: 3 });
    expect(answer.wouldRaise.count).toBe(2);
    expect(answer.diff.unchanged.items.map(backtestMatchKey)).toEqual([backtestMatchKey(payments)]);
    expect(answer.diff.added.items.map((a) => a.key)).toEqual(['service=search']);
    expect(answer.diff.removed.items.map((a) => a.id)).toEqual(['old']);
  });
});
