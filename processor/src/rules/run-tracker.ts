import { MAX_EVIDENCE_EVENTS } from './alert-factory.ts';
import type { EventRef } from './engine-types.ts';

/** Array insert without splice's per-call result array. */
function insertAt<T>(array: T[], index: number, value: T): void {
  array.push(value);
  for (let i = array.length - 1; i > index; i--) array[i] = array[i - 1]!;
  array[index] = value;
}

/**
 * The samples of one key for a `sustained` rule, as runs: maximal stretches (in event time) of samples that
 * all satisfy the condition, with no silence longer than maxGapMs inside.
 *
 * Samples before the watermark can no longer be joined by an earlier one, so they are folded into a summary
 * of the run they end (start, count, extreme, first refs); only samples at or after the watermark stay
 * individually, sorted, so an out-of-order sample lands in the right place. Memory per key: the summary
 * plus at most `maxPending` samples.
 */
export class RunTracker {
  // Summary of finalized samples: the run they end, or none (NaN) when the last one broke the condition.
  private runStart = Number.NaN;
  private runCount = 0;
  private runExtreme = Number.NaN;
  private readonly runRefs: EventRef[] = [];
  private readonly runIds: (string | undefined)[] = [];
  private lastFinal = Number.NEGATIVE_INFINITY;

  // Samples not yet finalized, ascending by time.
  private readonly times: number[] = [];
  private readonly oks: boolean[] = [];
  private readonly values: number[] = [];
  private readonly refs: EventRef[] = [];
  private readonly ids: (string | undefined)[] = [];

  // The run measured by the last `measure` call (fields, not an object: measured on every good sample).
  start = 0;
  end = 0;
  count = 0;
  extreme = 0;
  private from = 0;
  private to = 0;
  private withSummary = false;

  /** The run that already fired, so a run that only grew (even backwards) does not fire twice. */
  private firedStart = Number.NaN;
  private firedEnd = Number.NaN;

  constructor(
    private readonly maxGapMs: number,
    /** True when a lower value is the weaker one (`gt`/`gte` rules): the alert reports the weakest sample. */
    private readonly lowIsWeak: boolean,
  ) {}

  /** Samples held individually (not yet folded into the summary). */
  get pending(): number {
    return this.times.length;
  }

  private weaker(a: number, b: number): number {
    return this.lowIsWeak ? Math.min(a, b) : Math.max(a, b);
  }

  /** Folds every sample before `limit` (the watermark) into the summary. */
  finalize(limit: number): void {
    while (this.times.length > 0 && this.times[0]! < limit) this.finalizeFirst();
  }

  /** Keeps at most `max` pending samples, folding the oldest (only a key flooding samples gets here). */
  trim(max: number): void {
    while (this.times.length > max) this.finalizeFirst();
  }

  private finalizeFirst(): void {
    const time = this.times.shift()!;
    const ok = this.oks.shift()!;
    const value = this.values.shift()!;
    const ref = this.refs.shift()!;
    const id = this.ids.shift();
    if (!ok) {
      this.runStart = Number.NaN;
    } else if (Number.isNaN(this.runStart) || time - this.lastFinal > this.maxGapMs) {
      this.runStart = time;
      this.runCount = 1;
      this.runExtreme = value;
      this.runRefs.length = 0;
      this.runIds.length = 0;
      this.runRefs.push(ref);
      this.runIds.push(id);
    } else {
      this.runCount++;
      this.runExtreme = this.weaker(this.runExtreme, value);
      if (this.runRefs.length < MAX_EVIDENCE_EVENTS) {
        this.runRefs.push(ref);
        this.runIds.push(id);
      }
    }
    this.lastFinal = time;
  }

  /** Adds a sample in time order; returns its index, or -1 when it is older than a folded sample. */
  add(time: number, ok: boolean, value: number, ref: EventRef, id: string | undefined): number {
    if (time < this.lastFinal) return -1;
    let i = this.times.length;
    while (i > 0 && this.times[i - 1]! > time) i--;
    insertAt(this.times, i, time);
    insertAt(this.oks, i, ok);
    insertAt(this.values, i, value);
    insertAt(this.refs, i, ref);
    insertAt(this.ids, i, id);
    return i;
  }

  /** Measures the run through the good sample at `index` into start/end/count/extreme. */
  measure(index: number): void {
    const { times, oks, values, maxGapMs } = this;
    let from = index;
    while (from > 0 && oks[from - 1] && times[from]! - times[from - 1]! <= maxGapMs) from--;
    let to = index;
    while (to + 1 < times.length && oks[to + 1] && times[to + 1]! - times[to]! <= maxGapMs) to++;
    this.withSummary = from === 0 && !Number.isNaN(this.runStart) && times[0]! - this.lastFinal <= maxGapMs;
    let extreme = this.withSummary ? this.runExtreme : values[from]!;
    for (let i = from; i <= to; i++) extreme = this.weaker(extreme, values[i]!);
    this.start = this.withSummary ? this.runStart : times[from]!;
    this.end = times[to]!;
    this.count = (this.withSummary ? this.runCount : 0) + to - from + 1;
    this.extreme = extreme;
    this.from = from;
    this.to = to;
  }

  /** True when the measured run is (part of) the run that already fired. */
  measuredHasFired(): boolean {
    return !Number.isNaN(this.firedStart) && this.start <= this.firedEnd && this.end >= this.firedStart;
  }

  markMeasuredFired(): void {
    this.firedStart = this.start;
    this.firedEnd = this.end;
  }

  /** The first refs and ids of the measured run, for evidence. */
  evidence(): { refs: EventRef[]; ids: (string | undefined)[] } {
    const refs = this.withSummary ? [...this.runRefs] : [];
    const ids = this.withSummary ? [...this.runIds] : [];
    for (let i = this.from; i <= this.to && refs.length < MAX_EVIDENCE_EVENTS; i++) {
      refs.push(this.refs[i]!);
      ids.push(this.ids[i]);
    }
    return { refs, ids };
  }

  /** True when nothing here can affect a future sample at or after `watermark`. */
  isIdle(watermark: number): boolean {
    this.finalize(watermark);
    return (
      this.times.length === 0 && (Number.isNaN(this.runStart) || watermark - this.lastFinal > this.maxGapMs)
    );
  }
}
