import { describe, expect, it } from 'vitest';
import { KeyedStore } from './keyed-store.ts';

/** A key's state: how many events it has seen (add is the first, each touch one more). */
const seen = (store: KeyedStore<{ n: number }>, key: string) => {
  const state = store.touch(key);
  if (state) state.n += 1;
  else store.add(key, { n: 1 });
};
const keys = (store: KeyedStore<unknown>) => {
  const all: string[] = [];
  store.forEach((_, key) => {
    all.push(key);
  });
  return all.sort();
};

describe('keyed store (segmented LRU)', () => {
  describe('under a flood of distinct one-event keys', () => {
    it('keeps every key that saw a second event, with its state', () => {
      const store = new KeyedStore<{ n: number }>(100);
      const legit = Array.from({ length: 80 }, (_, i) => `legit-${i}`);
      for (let round = 0; round < 3; round++) for (const key of legit) seen(store, key);
      for (let i = 0; i < 1_000; i++) seen(store, `flood-${i}`);
      for (const key of legit) expect(store.touch(key)).toEqual({ n: 3 });
      expect(store.size).toBe(100);
      expect(store.evictions).toBe(1_000 - 20);
      expect(store.demotions).toBe(0);
    });

    it('lets the flood evict only flood keys, oldest first', () => {
      const store = new KeyedStore<{ n: number }>(5);
      for (const key of ['a', 'a', 'b', 'b']) seen(store, key);
      for (let i = 0; i < 20; i++) seen(store, `flood-${i}`);
      expect(keys(store)).toEqual(['a', 'b', 'flood-17', 'flood-18', 'flood-19']);
    });
  });

  describe('promotion and demotion', () => {
    it('demotes the least recently updated protected key when promotions overfill its 80 %', () => {
      const store = new KeyedStore<{ n: number }>(5); // 4 protected, at least 1 on probation
      for (const key of ['a', 'b', 'c', 'd', 'e']) {
        seen(store, key);
        seen(store, key);
      }
      expect(store.demotions).toBe(1);
      // 'a' went back to probation: it is the one a new key evicts...
      seen(store, 'f');
      expect(keys(store)).toEqual(['b', 'c', 'd', 'e', 'f']);
      expect(store.evictions).toBe(1);
    });

    it('promotes a demoted key again on its next event, before it can be evicted', () => {
      const store = new KeyedStore<{ n: number }>(5);
      for (const key of ['a', 'b', 'c', 'd', 'e']) {
        seen(store, key);
        seen(store, key);
      }
      seen(store, 'a'); // back to protected; 'b' is demoted in its place
      seen(store, 'f');
      expect(keys(store)).toEqual(['a', 'c', 'd', 'e', 'f']);
      expect(store.touch('a')).toEqual({ n: 3 });
    });

    it('works with room for one key (nothing can be protected)', () => {
      const store = new KeyedStore<{ n: number }>(1);
      seen(store, 'a');
      seen(store, 'a');
      seen(store, 'b');
      expect(keys(store)).toEqual(['b']);
      expect(store.evictions).toBe(1);
    });
  });

  describe('expiry', () => {
    it('sweeps expired keys from the old end of both segments, within the budget', () => {
      const store = new KeyedStore<{ n: number }>(10);
      for (const key of ['p1', 'p1', 'p2', 'p2', 'live', 'live', 'o1', 'o2', 'o3']) seen(store, key);
      const live = store.touch('live');
      store.sweep((state) => state !== live, 2);
      // Probation: o1, o2 (budget 2, o3 left); protected: p1, p2, then 'live' stops it.
      expect(keys(store)).toEqual(['live', 'o3']);
      expect(store.expired).toBe(4);
    });

    it('counts an explicit delete from either segment as expired', () => {
      const store = new KeyedStore<{ n: number }>(10);
      for (const key of ['kept', 'kept', 'new']) seen(store, key);
      store.delete('kept');
      store.delete('new');
      store.delete('absent');
      expect(store.size).toBe(0);
      expect(store.expired).toBe(2);
    });
  });
});
