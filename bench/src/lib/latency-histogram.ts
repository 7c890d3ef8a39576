import * as hdr from 'hdr-histogram-js';

/** Percentiles drawn on the report's latency curves. */
export const CURVE_PERCENTILES = [0, 25, 50, 75, 90, 95, 99, 99.5, 99.9, 100] as const;

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export interface LatencyHistogram {
  /** Records one latency in milliseconds (negative clock noise counts as 0). */
  record(ms: number): void;
  /** Adds another histogram's encoded form (from `encode()`, possibly in another process). */
  addEncoded(encoded: string): void;
  encode(): string;
  reset(): void;
  readonly count: number;
  summary(): LatencySummary;
  /** Milliseconds at each of CURVE_PERCENTILES. */
  curve(): { percentile: number; ms: number }[];
}

// Microsecond resolution, 3 significant digits, up to one minute: sub-millisecond loopback latencies
// and multi-second overload queues fit the same histogram at 0.1 % error.
const build = () =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });

const toMs = (us: number) => Math.round(us) / 1000;

/** HDR histogram of latencies; cheap to record into, small to ship between processes. */
export function createLatencyHistogram(): LatencyHistogram {
  const histogram = build();
  return {
    record(ms) {
      const us = Math.min(60_000_000, Math.max(1, Math.round(ms * 1000)));
      histogram.recordValue(us);
    },
    addEncoded(encoded) {
      histogram.add(hdr.decodeFromCompressedBase64(encoded));
    },
    encode: () => hdr.encodeIntoCompressedBase64(histogram),
    reset: () => histogram.reset(),
    get count() {
      return histogram.totalCount;
    },
    summary() {
      if (histogram.totalCount === 0) return { count: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 };
      return {
        count: histogram.totalCount,
        p50: toMs(histogram.getValueAtPercentile(50)),
        p90: toMs(histogram.getValueAtPercentile(90)),
        p99: toMs(histogram.getValueAtPercentile(99)),
        p999: toMs(histogram.getValueAtPercentile(99.9)),
        max: toMs(histogram.maxValue),
        mean: toMs(histogram.mean),
      };
    },
    curve: () =>
      CURVE_PERCENTILES.map((percentile) => ({
        percentile,
        ms: histogram.totalCount === 0 ? 0 : toMs(histogram.getValueAtPercentile(percentile)),
      })),
  };
}

/** Nearest-rank percentile of a small sample (e.g. a few resume timings); 0 for an empty one. */
export function percentileOf(samples: readonly number[], percentile: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((percentile / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}
