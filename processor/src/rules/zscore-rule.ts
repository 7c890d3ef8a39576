import type { Alert } from '@vigil/core';
import type { ZScoreRule } from '@vigil/core/rules';
import { formatDuration } from './alert-factory.ts';
import { BucketRing } from './bucket-ring.ts';
import { compileCondition } from './condition.ts';
import type { RuleEvaluator } from './engine-types.ts';
import { type EvaluatorEnv, keyValueOf, mapKeyOf } from './evaluator-env.ts';
import { KeyedStore } from './keyed-store.ts';
import { windowedStats } from './windowed-stats.ts';

interface ZScoreKey {
  field: string;
  value: string;
  ring: BucketRing;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * `zscore`: counts matching events per key in aligned buckets of bucketMs (bucket = ⌊ts / bucketMs⌋) and,
 * when a bucket closes, compares its count with the trailing baselineMs of buckets before it.
 *
 * - A bucket closes when the source's watermark reaches its end, so events up to the allowed lateness
 *   still count; closing happens for every key at once (buckets are aligned), during the evaluate() call
 *   whose event moved the watermark. Each bucket is judged once: at most one alert per key per bucket,
 *   with the bucket start in the id, so ids do not depend on arrival order.
 * - Baseline: the buckets in [b − baseline, b) since the key's first event; empty minutes count as 0.
 *   Fewer than minBaselineBuckets of history: no verdict (a new service is not an anomaly).
 * - σ is floored at max(√mean, 1): counts have at least Poisson noise, and a perfectly flat baseline
 *   (σ = 0) would otherwise call any single extra event infinitely anomalous. Only spikes fire (z > threshold).
 * - A key silent for a whole baseline is forgotten: it has to rebuild a baseline before it can fire.
 */
export function createZScoreEvaluator(rule: ZScoreRule, env: EvaluatorEnv): RuleEvaluator {
  const where = rule.where ? compileCondition(rule.where) : null;
  const { keyBy, bucketMs, minBaselineBuckets, threshold } = rule;
  const baselineBuckets = rule.baselineMs / bucketMs;
  // An accepted event is at most lateness + future skew ahead of the watermark: that many buckets are open.
  const openBuckets = Math.ceil((env.allowedLatenessMs + env.maxFutureSkewMs) / bucketMs) + 2;
  const ringSize = baselineBuckets + openBuckets;
  const store = new KeyedStore<ZScoreKey>(env.maxKeysPerRule);
  let closedThrough = Number.NaN;
  let lateEvents = 0;
  let alerts = 0;

  function judge(k: ZScoreKey, bucket: number, out: Alert[]): void {
    const { ring } = k;
    const count = ring.count(bucket);
    const from = Math.max(bucket - baselineBuckets, ring.firstBucket);
    const n = bucket - from;
    if (n < minBaselineBuckets) return;
    let sum = 0;
    let sumSq = 0;
    for (let b = from; b < bucket; b++) {
      const c = ring.count(b);
      sum += c;
      sumSq += c * c;
    }
    const mean = sum / n;
    const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean));
    const sigma = Math.max(sd, Math.sqrt(mean), 1);
    const z = (count - mean) / sigma;
    if (!(z > threshold)) return;
    const start = bucket * bucketMs;
    const { lastTime, refs, ids } = ring.openBucket(bucket);
    const key = `${k.field}=${k.value}`;
    alerts++;
    out.push(
      env.emit(rule, {
        key,
        keyField: k.field,
        keyValue: k.value,
        identity: String(start),
        value: count,
        threshold: round2(mean + threshold * sigma),
        message:
          `${count} ${rule.source} events for ${key} in the ${formatDuration(bucketMs)} from ` +
          `${new Date(start).toISOString()}: z-score ${z.toFixed(2)} > ${threshold} against the trailing ` +
          `${formatDuration(n * bucketMs)} (mean ${mean.toFixed(1)}, sd ${sd.toFixed(1)})`,
        eventTime: lastTime,
        windowStart: start,
        windowEnd: start + bucketMs,
        event: null,
        refs,
        eventIds: ids,
        ingestedAt: undefined,
      }),
    );
  }

  return {
    rule,
    windowed: true,
    onEvent(ctx) {
      if (where !== null && !where(ctx.event)) return;
      const bucket = Math.floor(ctx.ts / bucketMs);
      // Unreachable while the engine keeps its watermark invariants; a guard keeps the ring consistent.
      if (bucket <= closedThrough || bucket > closedThrough + openBuckets) {
        lateEvents++;
        return;
      }
      for (let f = 0; f < keyBy.length; f++) {
        const field = keyBy[f]!;
        const value = keyValueOf(ctx.event, field);
        if (value === null) continue;
        const mapKey = mapKeyOf(f, value, keyBy.length);
        const k =
          store.touch(mapKey) ??
          store.add(mapKey, { field, value, ring: new BucketRing(ringSize, openBuckets, bucket) });
        k.ring.add(bucket, ctx.ts, ctx.ref, ctx.eventId);
      }
    },
    onLate(ctx) {
      if (where === null || where(ctx.event)) lateEvents++;
    },
    advance(watermark, out) {
      const closeThrough = Math.floor(watermark / bucketMs) - 1;
      if (Number.isNaN(closedThrough)) closedThrough = closeThrough;
      if (closeThrough <= closedThrough) return;
      store.forEach((k, mapKey) => {
        const last = Math.min(closeThrough, k.ring.lastBucket);
        for (let b = closedThrough + 1; b <= last; b++) {
          if (k.ring.count(b) > 0) judge(k, b, out);
          k.ring.close(b);
        }
        if (k.ring.lastBucket <= closeThrough - baselineBuckets) store.delete(mapKey);
      });
      closedThrough = closeThrough;
    },
    stats: () => windowedStats(rule, store, store.size * ringSize, lateEvents, alerts),
  };
}
