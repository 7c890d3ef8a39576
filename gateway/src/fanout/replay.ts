import { matchesFilter } from '@vigil/core';
import { type AlertHistory, CursorExpiredError, type RingEntry } from '../live/live-types.ts';
import type { CanonicalFilter } from './filter.ts';
import { busVerdict, planResume } from './resume-plan.ts';

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
}

/** Sends matching ring entries from `next`: done, or where to go on after a drain. Synchronous on purpose. */
function replayRing(ctx: ReplayContext, next: number): { done: true } | { done: false; next: number } {
  for (const entry of ctx.history.entriesFrom(next)) {
    if (!matchesFilter(ctx.filter, entry.keys)) continue;
    if (!ctx.send(entry.frame)) return { done: false, next };
    if (ctx.bufferedAmount() >= ctx.highWater) return { done: false, next: entry.offset + 1 };
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
 */
export async function runReplay(ctx: ReplayContext, start: number): Promise<void> {
  let next = start;
  let announced = false;
  for (;;) {
    if (ctx.signal.aborted) return;
    const window = ctx.history.window();
    const step = planResume(next, window);
    if (step === 'ring') {
      if (!announced) ctx.announce('ring');
      announced = true;
      const result = replayRing(ctx, next);
      if (result.done) {
        ctx.goLive();
        return;
      }
      next = result.next;
      if (!(await ctx.waitForDrain())) return;
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
