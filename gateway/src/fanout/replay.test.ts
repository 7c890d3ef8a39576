import type { FilterKeys } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { createAlertRing } from '../feed/alert-ring.ts';
import { makeAlert } from '../feed/testing/alerts.ts';
import type { AlertHistory } from '../live/live-types.ts';
import type { CanonicalFilter } from './filter.ts';
import { type ReplayContext, runReplay } from './replay.ts';
import { createScanBudget, type ScanBudget } from './scan-budget.ts';
import { fakeHistory } from './testing/fake-history.ts';

const PER_TURN = 2_048;
const RING = 100_000;

/** A ring of `count` cheap entries (no JSON decoding); `examined` counts the filter's reads of their keys. */
function bigRing(count: number, keysOf: (offset: number) => FilterKeys) {
  const ring = createAlertRing({ maxAlerts: count, maxBytes: 1 << 30 });
  const counter = { examined: 0 };
  for (let offset = 0; offset < count; offset++) {
    const keys = keysOf(offset);
    ring.push({
      offset,
      id: `alert-${offset}`,
      revision: 1,
      op: 'alert',
      get keys() {
        counter.examined += 1;
        return keys;
      },
      frame: `{"op":"alert","offset":${offset}}`,
      publishedAt: 0,
    });
  }
  const history: AlertHistory = {
    decodeCursor: () => ({ ok: true, next: 0 }),
    headCursor: () => 'head',
    window: () => ({ from: ring.from, head: ring.head }),
    entriesFrom: (offset) => ring.entriesFrom(offset),
    busBounds: () => Promise.reject(new Error('the ring covers everything')),
    replayRange: () => Promise.reject(new Error('the ring covers everything')),
  };
  return { history, counter };
}

const keysFor = (service: string): FilterKeys => ({
  severity: 'high',
  source: 'logs',
  service,
  ruleId: 'logs.error-spike',
});

/** A client that never backs up; records what the replay sent and when it went live. */
function client(history: AlertHistory, filter: CanonicalFilter, budget: ScanBudget) {
  const sent: string[] = [];
  const events: string[] = [];
  const controller = new AbortController();
  const ctx: ReplayContext = {
    history,
    filter,
    signal: controller.signal,
    send: (frame) => {
      sent.push(frame);
      return true;
    },
    bufferedAmount: () => 0,
    highWater: 1 << 20,
    waitForDrain: () => Promise.resolve(true),
    waitForHead: () => Promise.resolve(),
    announce: (source) => events.push(`announce ${source}`),
    goLive: () => events.push('live'),
    expire: (message) => events.push(`expire ${message}`),
    budget,
  };
  return { ctx, sent, events, controller };
}

/** Counts the event loop's turns until `done` settles: what a ping from another client would get. */
async function turnsDuring(done: Promise<void>): Promise<number> {
  let finished = false;
  let turns = 0;
  void done.finally(() => {
    finished = true;
  });
  const tick = (resolve: () => void) => {
    if (finished) return resolve();
    turns += 1;
    setImmediate(() => tick(resolve));
  };
  await new Promise<void>((resolve) => setImmediate(() => tick(resolve)));
  await done;
  return turns;
}

const offsetsOf = (frames: string[]) => frames.map((f) => JSON.parse(f).offset as number);

describe('replay', () => {
  describe('from a large ring', () => {
    it('with a filter that matches nothing, scans in bounded slices and lets the event loop run between them', async () => {
      const { history, counter } = bigRing(RING, () => keysFor('payments'));
      const budget = createScanBudget(PER_TURN);
      const { ctx, sent, events } = client(history, { service: ['nothing'] }, budget);
      const order: string[] = [];
      setImmediate(() => order.push('a callback queued before the replay'));
      const replay = runReplay(ctx, 0).then(() => order.push('replay done'));
      // The subscribe's own tick examined one turn's budget, not the ring.
      expect(counter.examined).toBe(PER_TURN);
      const turns = await turnsDuring(replay.then(() => undefined));
      expect(order).toEqual(['a callback queued before the replay', 'replay done']);
      // 49 slices of 2,048: the first ran in the subscribe's tick, the counter starts a turn later.
      expect(turns).toBeGreaterThanOrEqual(Math.ceil(RING / PER_TURN) - 2);
      expect(counter.examined).toBe(RING);
      expect(sent).toEqual([]);
      expect(events).toEqual(['announce ring', 'live']);
    });

    it('still delivers every matching alert, in order, once, then goes live', async () => {
      const rare = (offset: number) => offset % 997 === 0;
      const { history } = bigRing(RING, (offset) => keysFor(rare(offset) ? 'rare' : 'payments'));
      const { ctx, sent, events } = client(history, { service: ['rare'] }, createScanBudget(PER_TURN));
      await runReplay(ctx, 5);
      const expected = Array.from({ length: RING }, (_, i) => i).filter((i) => i >= 5 && rare(i));
      expect(offsetsOf(sent)).toEqual(expected);
      expect(events).toEqual(['announce ring', 'live']);
    });

    it('bounds a turn shared by many replays started in one read: 2,000 subscribes examine one turn’s budget', async () => {
      const { history, counter } = bigRing(RING, () => keysFor('payments'));
      const budget = createScanBudget(PER_TURN);
      const clients = Array.from({ length: 2_000 }, () => client(history, { service: ['nothing'] }, budget));
      const replays = clients.map((c) => runReplay(c.ctx, 0));
      expect(counter.examined).toBe(PER_TURN);
      // As sessions.ts does when a client subscribes again: every replay but the last is cancelled.
      for (const c of clients.slice(0, -1)) c.controller.abort();
      await Promise.all(replays);
      expect(clients.at(-1)!.events).toEqual(['announce ring', 'live']);
      // The first replay's slice, then the last one's whole scan: the cancelled ones never ran again.
      expect(counter.examined).toBe(PER_TURN + RING);
    });

    it('gives a short replay its turn while a long one is scanning', async () => {
      const { history } = bigRing(RING, () => keysFor('payments'));
      const budget = createScanBudget(PER_TURN);
      const long = client(history, { service: ['nothing'] }, budget);
      const short = client(history, {}, budget);
      const finished: string[] = [];
      const longDone = runReplay(long.ctx, 0).then(() => finished.push('long'));
      const shortDone = runReplay(short.ctx, RING - 10).then(() => finished.push('short'));
      await Promise.all([longDone, shortDone]);
      expect(finished).toEqual(['short', 'long']);
      expect(offsetsOf(short.sent)).toEqual(Array.from({ length: 10 }, (_, i) => RING - 10 + i));
    });

    it('stops between slices when aborted', async () => {
      const { history, counter } = bigRing(RING, () => keysFor('payments'));
      const { ctx, events, controller } = client(
        history,
        { service: ['nothing'] },
        createScanBudget(PER_TURN),
      );
      const replay = runReplay(ctx, 0);
      controller.abort();
      await replay;
      expect(counter.examined).toBe(PER_TURN);
      expect(events).toEqual(['announce ring']);
    });
  });

  describe('across slices while alerts keep arriving', () => {
    // A tiny budget so that each pass covers a few entries and the ring moves between passes.
    const setup = (ringMaxAlerts: number) => {
      const history = fakeHistory({ ringMaxAlerts, readBatch: 2 });
      const budget = createScanBudget(3);
      const c = client(history, {}, budget);
      // Live delivery, as the fan-out does it: entries reach the client only once it has joined.
      let live = false;
      c.ctx.goLive = () => {
        live = true;
        c.events.push('live');
      };
      const feed = (from: number, count: number) => {
        const entries = history.append(Array.from({ length: count }, (_, i) => makeAlert(from + i)));
        if (live) for (const entry of entries) c.sent.push(entry.frame);
      };
      return { history, feed, ...c };
    };
    const cursorOffsets = (frames: string[]) => frames.map((f) => JSON.parse(f).alert.id as string);
    const ids = (count: number) => Array.from({ length: count }, (_, i) => `alert-${i}`);

    it('replays what arrived between slices and joins live with no gap or duplicate', async () => {
      const { feed, ctx, sent, events } = setup(1_000);
      feed(0, 10);
      const replay = runReplay(ctx, 0);
      let next = 10;
      const feeding = (async () => {
        while (!events.includes('live')) {
          feed(next, 2);
          next += 2;
          await new Promise((resolve) => setImmediate(resolve));
        }
        feed(next, 3);
        next += 3;
      })();
      await Promise.all([replay, feeding]);
      expect(cursorOffsets(sent)).toEqual(ids(next));
    });

    it('reads from the bus what the ring evicted while the replay waited for its turn', async () => {
      const { history, feed, ctx, sent, events } = setup(4);
      feed(0, 4);
      const replay = runReplay(ctx, 0); // sends 0..2, then waits for the next turn
      feed(4, 6); // the ring (4) now starts at 6: 3..5 are only on the bus
      await replay;
      feed(10, 2);
      expect(cursorOffsets(sent)).toEqual(ids(12));
      expect(history.busReads[0]).toEqual({ from: 3, to: 6 });
      expect(events).toEqual(['announce ring', 'live']);
    });
  });
});
