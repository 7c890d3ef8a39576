/** Expired keys checked per watermark step: more than one per event keeps up with any key churn. */
export const SWEEP_BUDGET = 4;

/**
 * Per-key state of one rule, bounded: a Map kept in least-recently-updated order (an update re-inserts its
 * key at the end), so the first entry is always the eviction candidate and expiry can sweep from the front.
 */
export class KeyedStore<S> {
  private readonly map = new Map<string, S>();
  evictions = 0;
  expired = 0;

  constructor(private readonly maxKeys: number) {}

  get size(): number {
    return this.map.size;
  }

  /** The key's state, now marked most recently updated; undefined when the key holds none. */
  touch(key: string): S | undefined {
    const state = this.map.get(key);
    if (state !== undefined) {
      this.map.delete(key);
      this.map.set(key, state);
    }
    return state;
  }

  /** Adds a new key, evicting the least recently updated one when the store is full. */
  add(key: string, state: S): S {
    if (this.map.size >= this.maxKeys) {
      const oldest = this.map.keys().next();
      if (!oldest.done) {
        this.map.delete(oldest.value);
        this.evictions++;
      }
    }
    this.map.set(key, state);
    return state;
  }

  /**
   * Drops expired keys from the least recently updated end, stopping at the first live one or after
   * `budget` checks, so each call costs O(budget). Keys updated late in arrival order but early in event
   * time wait behind a live key until it expires too; memory stays bounded by the cap either way.
   */
  sweep(isExpired: (state: S) => boolean, budget: number): void {
    for (const [key, state] of this.map) {
      if (budget-- <= 0 || !isExpired(state)) return;
      this.map.delete(key);
      this.expired++;
    }
  }

  /** Visits every key (deleting the visited key inside is safe). */
  forEach(visit: (state: S, key: string) => void): void {
    this.map.forEach(visit);
  }

  delete(key: string): void {
    if (this.map.delete(key)) this.expired++;
  }
}
