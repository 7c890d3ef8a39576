/** Expired keys checked per watermark step and segment: more than one per event keeps up with any key churn. */
export const SWEEP_BUDGET = 4;

/**
 * Share of maxKeys kept for keys that have seen a second event (the protected segment). 80 % is the split of
 * the classic segmented LRU and of Caffeine's main space: the probation segment (the rest, at least one key)
 * still holds enough new keys for a real one to see its second event before a flood pushes it out.
 */
export const PROTECTED_SHARE = 0.8;

/**
 * Per-key state of one rule, bounded by a segmented LRU, so that a flood of distinct one-event keys cannot
 * push out the keys that matter. A new key enters the probation segment; its second event (`touch`) promotes
 * it to the protected segment. When the store is full a new key evicts the least recently updated key of
 * probation, never a protected one: one-off keys only evict each other. When promotions overfill the
 * protected segment, its least recently updated key is demoted to the newest end of probation, where one more
 * event promotes it again before it can be evicted.
 *
 * Each segment is a Map kept in least-recently-updated order (an update re-inserts its key at the end), so
 * the first entry is the eviction or demotion candidate and expiry can sweep from the front.
 */
export class KeyedStore<S> {
  private readonly probationKeys = new Map<string, S>();
  private readonly protectedKeys = new Map<string, S>();
  private readonly protectedMax: number;
  /** Keys dropped for the cap (always probation's least recently updated key). */
  evictions = 0;
  /** Protected keys moved back to probation to make room for a promoted one. */
  demotions = 0;
  expired = 0;

  constructor(private readonly maxKeys: number) {
    // At most maxKeys − 1, so that a full store always has a probation key to evict.
    this.protectedMax = Math.min(maxKeys - 1, Math.floor(maxKeys * PROTECTED_SHARE));
  }

  get size(): number {
    return this.probationKeys.size + this.protectedKeys.size;
  }

  /** The key's state, now marked most recently updated (and protected); undefined when the key holds none. */
  touch(key: string): S | undefined {
    const kept = this.protectedKeys.get(key);
    if (kept !== undefined) {
      this.protectedKeys.delete(key);
      this.protectedKeys.set(key, kept);
      return kept;
    }
    const state = this.probationKeys.get(key);
    if (state === undefined) return undefined;
    this.probationKeys.delete(key);
    this.protectedKeys.set(key, state);
    if (this.protectedKeys.size > this.protectedMax) {
      const [oldest, demoted] = this.protectedKeys.entries().next().value as [string, S];
      this.protectedKeys.delete(oldest);
      this.probationKeys.set(oldest, demoted);
      this.demotions++;
    }
    return state;
  }

  /** Adds a new key on probation, evicting probation's least recently updated key when the store is full. */
  add(key: string, state: S): S {
    if (this.size >= this.maxKeys) {
      const oldest = this.probationKeys.keys().next();
      if (!oldest.done) {
        this.probationKeys.delete(oldest.value);
        this.evictions++;
      }
    }
    this.probationKeys.set(key, state);
    return state;
  }

  /**
   * Drops expired keys from the least recently updated end of each segment, stopping at the first live one or
   * after `budget` checks, so each call costs O(budget). Keys updated late in arrival order but early in
   * event time wait behind a live key until it expires too; memory stays bounded by the cap either way.
   */
  sweep(isExpired: (state: S) => boolean, budget: number): void {
    this.expired += sweepSegment(this.probationKeys, isExpired, budget);
    this.expired += sweepSegment(this.protectedKeys, isExpired, budget);
  }

  /** Visits every key, probation first (deleting the visited key inside is safe). */
  forEach(visit: (state: S, key: string) => void): void {
    this.probationKeys.forEach(visit);
    this.protectedKeys.forEach(visit);
  }

  delete(key: string): void {
    if (this.probationKeys.delete(key) || this.protectedKeys.delete(key)) this.expired++;
  }
}

function sweepSegment<S>(segment: Map<string, S>, isExpired: (state: S) => boolean, budget: number): number {
  let dropped = 0;
  for (const [key, state] of segment) {
    if (budget-- <= 0 || !isExpired(state)) break;
    segment.delete(key);
    dropped++;
  }
  return dropped;
}
