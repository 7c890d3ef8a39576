import { MAX_EVIDENCE_EVENTS } from './alert-factory.ts';
import type { EventRef } from './engine-types.ts';

/**
 * Per-bucket event counts of one key for a `zscore` rule: a ring of `size` buckets (baseline + open ones),
 * each slot labelled with the bucket it holds so a slot left over from an older bucket reads as 0 without
 * any clearing pass. Open buckets also keep their latest event time and first refs, released on close.
 * Memory per key: 16 bytes per ring slot plus up to MAX_EVIDENCE_EVENTS refs per open bucket.
 */
export class BucketRing {
  private readonly counts: Float64Array;
  private readonly labels: Float64Array;
  private readonly openLabels: Float64Array;
  private readonly lastTimes: Float64Array;
  private readonly refs: EventRef[][] = [];
  private readonly ids: (string | undefined)[][] = [];
  firstBucket: number;
  lastBucket: number;

  constructor(
    private readonly size: number,
    private readonly openSize: number,
    bucket: number,
  ) {
    this.counts = new Float64Array(size);
    this.labels = new Float64Array(size).fill(Number.NaN);
    this.openLabels = new Float64Array(openSize).fill(Number.NaN);
    this.lastTimes = new Float64Array(openSize);
    for (let i = 0; i < openSize; i++) {
      this.refs.push([]);
      this.ids.push([]);
    }
    this.firstBucket = bucket;
    this.lastBucket = bucket;
  }

  private slot(bucket: number, size: number): number {
    const slot = bucket % size;
    return slot < 0 ? slot + size : slot;
  }

  add(bucket: number, time: number, ref: EventRef, id: string | undefined): void {
    const s = this.slot(bucket, this.size);
    if (this.labels[s] !== bucket) {
      this.labels[s] = bucket;
      this.counts[s] = 0;
    }
    this.counts[s]!++;
    const o = this.slot(bucket, this.openSize);
    const refs = this.refs[o]!;
    const ids = this.ids[o]!;
    if (this.openLabels[o] !== bucket) {
      this.openLabels[o] = bucket;
      this.lastTimes[o] = time;
      refs.length = 0;
      ids.length = 0;
    }
    if (time > this.lastTimes[o]!) this.lastTimes[o] = time;
    if (refs.length < MAX_EVIDENCE_EVENTS) {
      refs.push(ref);
      ids.push(id);
    }
    if (bucket < this.firstBucket) this.firstBucket = bucket;
    if (bucket > this.lastBucket) this.lastBucket = bucket;
  }

  count(bucket: number): number {
    const s = this.slot(bucket, this.size);
    return this.labels[s] === bucket ? this.counts[s]! : 0;
  }

  /** Latest event time, refs and ids of an open bucket. */
  openBucket(bucket: number): { lastTime: number; refs: EventRef[]; ids: (string | undefined)[] } {
    const o = this.slot(bucket, this.openSize);
    return { lastTime: this.lastTimes[o]!, refs: this.refs[o]!, ids: this.ids[o]! };
  }

  /** Frees a closed bucket's refs (its count stays for the baseline). */
  close(bucket: number): void {
    const o = this.slot(bucket, this.openSize);
    if (this.openLabels[o] !== bucket) return;
    this.openLabels[o] = Number.NaN;
    this.refs[o]!.length = 0;
    this.ids[o]!.length = 0;
  }
}
