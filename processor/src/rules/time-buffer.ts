import type { EventRef } from './engine-types.ts';

/** Below this many dead slots compacting is not worth a copy. */
const MIN_COMPACT = 32;

/**
 * Event times of one key in ascending order, each with its ref and id: a deque (drop from the front,
 * append at the back) whose insert also places a slightly out-of-order time correctly. Parallel arrays
 * keep an insert free of per-event objects; in-order inserts and front drops are O(1) amortized, an
 * out-of-order insert costs its displacement.
 */
export class TimeBuffer {
  private times: number[] = [];
  private refs: EventRef[] = [];
  private ids: (string | undefined)[] = [];
  private head = 0;

  get size(): number {
    return this.times.length - this.head;
  }
  time(i: number): number {
    return this.times[this.head + i]!;
  }
  ref(i: number): EventRef {
    return this.refs[this.head + i]!;
  }
  id(i: number): string | undefined {
    return this.ids[this.head + i];
  }
  last(): number {
    return this.times[this.times.length - 1]!;
  }

  /** Inserts in time order (equal times keep arrival order) and returns the new entry's index. */
  insert(time: number, ref: EventRef, id: string | undefined): number {
    const { times, refs, ids } = this;
    let i = times.length;
    times.push(time);
    refs.push(ref);
    ids.push(id);
    while (i > this.head && times[i - 1]! > time) {
      times[i] = times[i - 1]!;
      refs[i] = refs[i - 1]!;
      ids[i] = ids[i - 1];
      i--;
    }
    times[i] = time;
    refs[i] = ref;
    ids[i] = id;
    return i - this.head;
  }

  /** Drops every entry whose time is below `limit`. */
  dropBefore(limit: number): void {
    while (this.head < this.times.length && this.times[this.head]! < limit) this.head++;
    this.compact();
  }

  dropFirst(): void {
    if (this.head < this.times.length) this.head++;
    this.compact();
  }

  private compact(): void {
    const size = this.size;
    if (size === 0) {
      this.times.length = 0;
      this.refs.length = 0;
      this.ids.length = 0;
      this.head = 0;
      return;
    }
    if (this.head < MIN_COMPACT || this.head < size) return;
    this.times.copyWithin(0, this.head);
    this.refs.copyWithin(0, this.head);
    this.ids.copyWithin(0, this.head);
    this.times.length = size;
    this.refs.length = size;
    this.ids.length = size;
    this.head = 0;
  }
}
