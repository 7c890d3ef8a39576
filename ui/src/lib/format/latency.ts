/** Median of a list of numbers; null when empty. Sorts a copy. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The last `capacity` delivery latencies (detectedAt → received in this browser) in a ring, so the
 * median reflects now, not the whole day. Alerts replayed after a reconnect are old on arrival and
 * would read as huge latencies; callers skip them with `maxAgeMs`.
 */
export class LatencyWindow {
  readonly #samples: number[] = [];
  #next = 0;

  constructor(
    readonly capacity = 500,
    readonly maxAgeMs = 60_000,
  ) {}

  /** Records one delivery; returns false when it was skipped as a replay. */
  record(detectedAt: string, receivedAt: number): boolean {
    const latency = receivedAt - Date.parse(detectedAt);
    if (Number.isNaN(latency) || latency > this.maxAgeMs) return false;
    // Clocks of the gateway host and this browser may differ slightly; never report a negative delay.
    const sample = Math.max(0, latency);
    if (this.#samples.length < this.capacity) this.#samples.push(sample);
    else this.#samples[this.#next] = sample;
    this.#next = (this.#next + 1) % this.capacity;
    return true;
  }

  get count(): number {
    return this.#samples.length;
  }

  median(): number | null {
    return median(this.#samples);
  }
}
