import { matchesFilter } from '@vigil/core';
import { type AlertHistory, CursorExpiredError, type RingEntry } from '../live/live-types.ts';
import type { CanonicalFilter } from './filter.ts';
import { busVerdict, planResume } from './resume-plan.ts';
import { processScanBudget, type ScanBudget } from './scan-budget.ts';

/** What one client's replay needs from the fan-out. */
export interface ReplayContext {
  history: AlertHistory;
  filter: CanonicalFilter;
  signal: AbortSignal;
  /** Sends a frame; false once the client is gone (closed, or cut off as slow). */
  send(frame: string): boolean;
  bufferedAmount(): number;
  /** Replay pauses at this many buffered bytes and waits for a drain. */
  highWater: number;
  /** Resolves true once drained enough, false when the client is gone or the replay was cancelled. */
  waitForDrain(): Promise<boolean>;
  /** Resolves once the feed's head reaches `next`; rejects after a timeout. */
  waitForHead(next: number): Promise<void>;
  /** Sends the `subscribed` frame (once the cursor is known to be servable). */
  announce(source: 'ring' | 'bus'): void;
  /** Joins the live group: must run in the same tick as the last ring replay. */
  goLive(): void;
  expire(message: string): void;
  /** The event loop's share for ring scans; the process-wide one unless a test hands in its own. */
  budget?: ScanBudget;
}

/** Where a ring pass stopped: at the head, at the high-water mark, or out of this turn's scan budget. */
type RingPass =
  | { done: true }
  | { done: false; next: number; wait: 'drain' }
  | { done: false; next: number; wait: 'turn' };

/**
 * Sends matching ring entries from `next`, one budget unit per entry examined (matching or not: a filter
 * that matches nothing costs the same scan). Synchronous on purpose: a pass that reaches the head returns
 * `done` in the same tick as its last send, so the caller joins the live group before any publish.
 */
function replayRing(ctx: ReplayContext, budget: ScanBudget, next: number): RingPass {
  for (const entry of ctx.history.entriesFrom(next)) {
    if (!budget.take()) return { done: false, next: entry.offset, wait: 'turn' };
    if (!matchesFilter(ctx.filter, entry.keys)) continue;
    if (!ctx.send(entry.frame)) return { done: false, next, wait: 'drain' };
    if (ctx.bufferedAmount() >= ctx.highWater) return { done: false, next: entry.offset + 1, wait: 'drain' };
  }
  return { done: true };
}

async function replayBus(ctx: ReplayContext, from: number, to: number): Promise<void> {
  await ctx.history.replayRange(
    from,
    to,
    async (entries: RingEntry[]) => {
      for (const entry of entries) {
        if (!matchesFilter(ctx.filter, entry.keys)) continue;
        if (!ctx.send(entry.frame)) throw new Error('client gone');
        if (ctx.bufferedAmount() >= ctx.highWater && !(await ctx.waitForDrain()))
          throw new Error('client gone');
      }
    },
    ctx.signal,
  );
}

/**
 * Serves `since`: every matching alert from offset `next` on, in order, each once, then live. The ring
 * is the queue: nothing live is buffered per client; whatever arrives during the replay is in the ring
 * by the time the replay reaches it, and the last ring pass and the join happen in one synchronous
 * step, so no publish can fall between them (uWS captures a topic's subscribers at publish time).
 * If the ring moves past the client meanwhile, the missing part is read from the bus again.
 *
 * The ring part runs in passes bounded by the shared scan budget: a pass that runs out waits for the next
 * turn of the event loop and the loop plans again from where it stopped (the ring may have moved, or
 * evicted that offset: then the bus serves it). So no replay, and no burst of subscribes, holds the loop
 * for more than REPLAY_SCAN_PER_TURN entries; a replay that fits in what is left of the turn still
 * completes in the subscribe's own tick.
 */
export async function runReplay(ctx: ReplayContext, start: number): Promise<void> {
  const budget = ctx.budget ?? processScanBudget;
  let next = start;
  let announced = false;
  for (;;) {
    if (ctx.signal.aborted) return;
    const window = ctx.history.window();
    const step = planResume(next, window);
    if (step === 'ring') {
      if (!announced) ctx.announce('ring');
      announced = true;
      const pass = replayRing(ctx, budget, next);
      if (pass.done) {
        ctx.goLive();
        return;
      }
      next = pass.next;
      if (pass.wait === 'turn') await budget.nextTurn();
      else if (!(await ctx.waitForDrain())) return;
      continue;
    }
    const bounds = await ctx.history.busBounds();
    if (ctx.signal.aborted) return;
    if (busVerdict(step, next, bounds) === 'expired') {
      ctx.expire(
        step === 'bus' ? 'the bus no longer retains alerts that old' : 'cursor is beyond the alert stream',
      );
      return;
    }
    if (!announced) ctx.announce(step === 'bus' ? 'bus' : 'ring');
    announced = true;
    if (step === 'bus') {
      try {
        await replayBus(ctx, next, window.from);
      } catch (err) {
        if (ctx.signal.aborted) return;
        if (err instanceof CursorExpiredError) {
          ctx.expire(err.message);
          return;
        }
        throw err;
      }
      next = window.from;
    } else {
      await ctx.waitForHead(next);
    }
  }
}
