import type { SustainedRule } from '@vigil/core/rules';
import { formatDuration } from './alert-factory.ts';
import { compileCondition, OP_SYMBOLS } from './condition.ts';
import type { EventContext, RuleEvaluator } from './engine-types.ts';
import { COMPARE, type EvaluatorEnv, keyValueOf, mapKeyOf } from './evaluator-env.ts';
import { KeyedStore, SWEEP_BUDGET } from './keyed-store.ts';
import { RunTracker } from './run-tracker.ts';
import { windowedStats } from './windowed-stats.ts';

/** Samples of one key kept individually (within the lateness bound); beyond it the oldest are folded. */
const MAX_PENDING_SAMPLES = 64;

interface SustainedKey {
  field: string;
  value: string;
  run: RunTracker;
}

/**
 * `sustained`: fires when every sample of a key satisfies `field op threshold` for at least durationMs
 * (first to last sample of the run) with at least minSamples samples. A sample failing the condition, or a
 * silence longer than maxGapMs (default durationMs), ends the run.
 *
 * Once per window: the window is the run; it fires once, when it first qualifies, and the id uses the run's
 * first sample time. A run that later grows (forwards, or backwards through an out-of-order sample) is the
 * same run and does not fire again; a new run after a break can.
 *
 * Fires as soon as the samples seen qualify (no wait for the watermark). A sample arriving out of order
 * within the lateness bound is placed by event time; if it breaks a run that already fired, the alert stands
 * (alerts are never retracted) and the rest of that run does not fire again.
 */
export function createSustainedEvaluator(rule: SustainedRule, env: EvaluatorEnv): RuleEvaluator {
  const where = rule.where ? compileCondition(rule.where) : null;
  const { keyBy, field, threshold, durationMs, minSamples, maxGapMs } = rule;
  const compare = COMPARE[rule.op];
  const lowIsWeak = rule.op === 'gt' || rule.op === 'gte';
  const store = new KeyedStore<SustainedKey>(env.maxKeysPerRule);
  let lateEvents = 0;
  let alerts = 0;
  let watermark = Number.NEGATIVE_INFINITY;
  const isExpired = (k: SustainedKey) => k.run.isIdle(watermark);

  function fire(k: SustainedKey, ctx: EventContext) {
    const { run } = k;
    const key = `${k.field}=${k.value}`;
    const { refs, ids } = run.evidence();
    const weakest = `${lowIsWeak ? 'lowest' : 'highest'} ${run.extreme}`;
    return env.emit(rule, {
      key,
      keyField: k.field,
      keyValue: k.value,
      identity: String(run.start),
      value: run.extreme,
      threshold,
      message:
        `${field} ${OP_SYMBOLS[rule.op]} ${threshold} on all ${run.count} samples of ${key} ` +
        `for ${formatDuration(run.end - run.start)} (${weakest}; rule: ${formatDuration(durationMs)}, ` +
        `${minSamples} samples)`,
      eventTime: ctx.ts,
      windowStart: run.start,
      windowEnd: run.end,
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
      const sample = ctx.event[field];
      if (typeof sample !== 'number') return;
      const ok = compare(sample, threshold);
      for (let f = 0; f < keyBy.length; f++) {
        const keyField = keyBy[f]!;
        const value = keyValueOf(ctx.event, keyField);
        if (value === null) continue;
        const mapKey = mapKeyOf(f, value, keyBy.length);
        const k =
          store.touch(mapKey) ??
          store.add(mapKey, { field: keyField, value, run: new RunTracker(maxGapMs, lowIsWeak) });
        const { run } = k;
        run.finalize(ctx.watermark);
        const index = run.add(ctx.ts, ok, sample, ctx.ref, ctx.eventId);
        if (index < 0) {
          lateEvents++;
          continue;
        }
        if (ok) {
          run.measure(index);
          if (run.end - run.start >= durationMs && run.count >= minSamples && !run.measuredHasFired()) {
            out.push(fire(k, ctx));
            alerts++;
            run.markMeasuredFired();
          }
        }
        run.trim(MAX_PENDING_SAMPLES);
      }
    },
    onLate(ctx) {
      if ((where === null || where(ctx.event)) && typeof ctx.event[field] === 'number') lateEvents++;
    },
    advance(next) {
      watermark = next;
      store.sweep(isExpired, SWEEP_BUDGET);
    },
    stats() {
      let entries = 0;
      store.forEach((k) => {
        entries += k.run.pending;
      });
      return windowedStats(rule, store, entries, lateEvents, alerts);
    },
  };
}
