import type { Alert } from '@vigil/core';
import type { CountRule } from '@vigil/core/rules';
import { formatDuration, MAX_EVIDENCE_EVENTS } from './alert-factory.ts';
import { compileCondition, conditionText } from './condition.ts';
import type { EventContext, EventRef, RuleEvaluator } from './engine-types.ts';
import { type EvaluatorEnv, keyValueOf, mapKeyOf } from './evaluator-env.ts';
import { KeyedStore, SWEEP_BUDGET } from './keyed-store.ts';
import { TimeBuffer } from './time-buffer.ts';
import { windowedStats } from './windowed-stats.ts';

interface CountKey {
  field: string;
  value: string;
  times: TimeBuffer;
  /** Events before this time belong to a window that already fired: they count for no new window. */
  absorbUntil: number;
}

/**
 * `count`: fires when N matching events of one key fall within a sliding window of W ms, i.e. when N events
 * span less than W (last − first < W). Exactly N fires, N − 1 does not; N events spanning exactly W do not.
 *
 * Once per window: the firing window is [s, s + W) with s the time of the first of those N events. Events of
 * that key before s + W are absorbed by it (no second alert); the next window can only start at or after
 * s + W. The id uses s, so the same events in the same order give the same id on a fresh engine.
 *
 * Memory: a key keeps only unabsorbed times after watermark − W (older ones can no longer share a window
 * with an accepted event). With fewer than N in any W span that is at most (N − 1)·(⌈(W + L + S)/W⌉ + 1)
 * times, L = allowed lateness, S = future skew; the cap below only guards that arithmetic.
 */
export function createCountEvaluator(rule: CountRule, env: EvaluatorEnv): RuleEvaluator {
  const where = rule.where ? compileCondition(rule.where) : null;
  const { keyBy, threshold: n, windowMs: w } = rule;
  const span = env.allowedLatenessMs + env.maxFutureSkewMs;
  const maxTimes = (n - 1) * (Math.ceil((w + span) / w) + 1) + 1;
  const store = new KeyedStore<CountKey>(env.maxKeysPerRule);
  const what = `${rule.source} events${rule.where ? ` with ${conditionText(rule.where)}` : ''}`;
  let lateEvents = 0;
  let alerts = 0;

  // Built once: a closure per watermark step would be an allocation per event.
  let watermark = Number.NEGATIVE_INFINITY;
  const isExpired = (k: CountKey) =>
    (k.times.size === 0 || k.times.last() <= watermark - w) && k.absorbUntil <= watermark;

  function firstFullWindow(times: TimeBuffer, inserted: number): number {
    const last = Math.min(inserted, times.size - n);
    for (let j = Math.max(0, inserted - n + 1); j <= last; j++) {
      if (times.time(j + n - 1) - times.time(j) < w) return j;
    }
    return -1;
  }

  function fire(k: CountKey, first: number, ctx: EventContext): Alert {
    const { times } = k;
    const start = times.time(first);
    let end = first;
    while (end + 1 < times.size && times.time(end + 1) < start + w) end++;
    const refs: EventRef[] = [];
    const ids: (string | undefined)[] = [];
    for (let i = first; i <= end && refs.length < MAX_EVIDENCE_EVENTS; i++) {
      refs.push(times.ref(i));
      ids.push(times.id(i));
    }
    const count = end - first + 1;
    const key = `${k.field}=${k.value}`;
    const spread = formatDuration(times.time(end) - start);
    return env.emit(rule, {
      key,
      keyField: k.field,
      keyValue: k.value,
      identity: String(start),
      value: count,
      threshold: n,
      message: `${count} ${what} for ${key} within ${spread} (threshold ${n} in ${formatDuration(w)})`,
      eventTime: ctx.ts,
      windowStart: start,
      windowEnd: start + w,
      event: ctx.event,
      refs,
      eventIds: ids,
      ingestedAt: ctx.ingestedAt,
    });
  }

  return {
    rule,
    windowed: true,
    onEvent(ctx, out) {
      if (where !== null && !where(ctx.event)) return;
      for (let f = 0; f < keyBy.length; f++) {
        const field = keyBy[f]!;
        const value = keyValueOf(ctx.event, field);
        if (value === null) continue;
        const mapKey = mapKeyOf(f, value, keyBy.length);
        const k =
          store.touch(mapKey) ??
          store.add(mapKey, { field, value, times: new TimeBuffer(), absorbUntil: Number.NEGATIVE_INFINITY });
        if (ctx.ts < k.absorbUntil) continue;
        k.times.dropBefore(ctx.watermark - w + 1);
        const first = firstFullWindow(k.times, k.times.insert(ctx.ts, ctx.ref, ctx.eventId));
        if (first >= 0) {
          out.push(fire(k, first, ctx));
          alerts++;
          k.absorbUntil = k.times.time(first) + w;
          k.times.dropBefore(k.absorbUntil);
        } else if (k.times.size > maxTimes) {
          k.times.dropFirst();
        }
      }
    },
    onLate(ctx) {
      if (where === null || where(ctx.event)) lateEvents++;
    },
    advance(next) {
      watermark = next;
      store.sweep(isExpired, SWEEP_BUDGET);
    },
    stats() {
      let entries = 0;
      store.forEach((k) => {
        entries += k.times.size;
      });
      return windowedStats(rule, store, entries, lateEvents, alerts);
    },
  };
}
