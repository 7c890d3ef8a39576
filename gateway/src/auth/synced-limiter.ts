import { type RateLimiterAbstract, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * A request limiter shared by several gateways without a database round trip per request: each gateway
 * decides from the last count the shared store gave it plus what it admitted since, and adds its admitted
 * requests to the store in one call per key every `syncMs` (rate-limiter-flexible's `penalty`, which also
 * returns the window's total over all gateways). Cost: one upsert per active key per sync, not per request.
 * Bound: between two syncs each gateway may admit up to the limit minus the last shared count, so N gateways
 * can overshoot by at most what they admit in one `syncMs` (100 ms: a tenth of a one-second window).
 */
export interface SyncedLimiter {
  /** Resolves like RateLimiterAbstract#consume; rejects with a RateLimiterRes when the key is over. */
  consume(key: string): Promise<RateLimiterRes>;
  /** Sends what is pending now (tests, shutdown). */
  flush(): Promise<void>;
}

interface KeyState {
  /** The window's count over all gateways at the last sync (this gateway's earlier requests included). */
  shared: number;
  /** Admitted here since the last sync, in the current window. */
  pending: number;
  windowEndsAt: number;
}

export function createSyncedLimiter(options: {
  shared: RateLimiterAbstract;
  points: number;
  durationMs: number;
  syncMs?: number;
  now?: () => number;
}): SyncedLimiter {
  const { shared, points, durationMs } = options;
  const now = options.now ?? Date.now;
  const syncMs = options.syncMs ?? 100;
  const keys = new Map<string, KeyState>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const sync = async (key: string, state: KeyState) => {
    const count = state.pending;
    state.pending = 0;
    try {
      const res = await shared.penalty(key, count);
      state.shared = res.consumedPoints;
      state.windowEndsAt = now() + Math.max(0, res.msBeforeNext);
    } catch {
      // The store is unreachable: keep deciding from this gateway's own count until it answers again.
      state.shared += count;
    }
  };

  const flush = async () => {
    timer = null;
    const at = now();
    const work: Promise<void>[] = [];
    for (const [key, state] of keys) {
      if (state.pending > 0) work.push(sync(key, state));
      else if (at >= state.windowEndsAt) keys.delete(key);
    }
    await Promise.all(work);
  };

  const schedule = () => {
    if (timer !== null) return;
    timer = setTimeout(() => void flush(), syncMs);
    timer.unref?.();
  };

  return {
    async consume(key) {
      const at = now();
      let state = keys.get(key);
      if (!state) {
        state = { shared: 0, pending: 0, windowEndsAt: at + durationMs };
        keys.set(key, state);
      } else if (at >= state.windowEndsAt) {
        // The window ended: what was not sent yet counted in it only, and no gateway needs it any more.
        state.pending = 0;
        state.shared = 0;
        state.windowEndsAt = at + durationMs;
      }
      const used = state.shared + state.pending;
      const msBeforeNext = Math.max(0, state.windowEndsAt - at);
      if (used >= points) throw new RateLimiterRes(0, msBeforeNext, used + 1, false);
      state.pending += 1;
      schedule();
      return new RateLimiterRes(points - used - 1, msBeforeNext, used + 1, used === 0);
    },
    flush: async () => {
      if (timer !== null) clearTimeout(timer);
      await flush();
    },
  };
}
