import type { Alert } from '@vigil/core';
import type { SequenceRule } from '@vigil/core/rules';
import { formatDuration, MAX_EVIDENCE_EVENTS } from './alert-factory.ts';
import { compileCondition, conditionText } from './condition.ts';
import type { EventContext, EventRef, RuleEvaluator } from './engine-types.ts';
import { type EvaluatorEnv, keyValueOf, mapKeyOf } from './evaluator-env.ts';
import { KeyedStore, SWEEP_BUDGET } from './keyed-store.ts';
import { TimeBuffer } from './time-buffer.ts';
import { windowedStats } from './windowed-stats.ts';

/**
 * Closing events of one key kept while a leading event arriving out of order could still complete them
 * (those after the watermark); more than this within the lateness bound is a flood, the oldest go first.
 */
export const MAX_PENDING_CLOSINGS = 16;
/** Leading events kept beyond 2 × threshold: room for a closing event that arrives behind newer ones. */
export const EXTRA_LEADING = 64;

interface SequenceKey {
  field: string;
  value: string;
  leading: TimeBuffer;
  closing: TimeBuffer;
  /** Events before this time belong to a sequence that already fired. */
  absorbUntil: number;
}

/**
 * `sequence`: fires when an event matching `followedBy` comes after at least N events matching `first` of
 * the same key, the first of them less than W before it: N leading events at times a < b and b − a₁ < W,
 * b the closing event's time. "After" is strict in event time: a leading event at the very millisecond of
 * the closing one does not count (equal times have no order). `where`, if given, filters both.
 *
 * Event time decides, not arrival: a leading event arriving out of order within the lateness bound, after
 * the closing event, still completes it (the closing events after the watermark are kept for that). An
 * event matching both conditions closes the earlier sequence and then leads the next.
 *
 * Once per sequence: on firing, the leading events before b are used up and events of the key before b are
 * absorbed, so another closing event needs N new leading events. The id uses b (the closing event's time).
 *
 * Memory per key: leading times after watermark − W, at most 2N + 64 (the oldest are dropped beyond; only a
 * closing event arriving out of order behind that many newer leading ones could miss them), and at most 16
 * closing times after the watermark.
 */
export function createSequenceEvaluator(rule: SequenceRule, env: EvaluatorEnv): RuleEvaluator {
  const where = rule.where ? compileCondition(rule.where) : null;
  const isLeading = compileCondition(rule.first);
  const isClosing = compileCondition(rule.followedBy);
  const { keyBy, threshold: n, windowMs: w } = rule;
  const maxLeading = 2 * n + EXTRA_LEADING;
  const store = new KeyedStore<SequenceKey>(env.maxKeysPerRule);
  const leadingText = conditionText(rule.first);
  const closingText = conditionText(rule.followedBy);
  let lateEvents = 0;
  let alerts = 0;

  let watermark = Number.NEGATIVE_INFINITY;
  const isExpired = (k: SequenceKey) =>
    (k.leading.size === 0 || k.leading.last() <= watermark - w) &&
    (k.closing.size === 0 || k.closing.last() <= watermark) &&
    k.absorbUntil <= watermark;

  /** Index of the first leading event in (b − W, b), and how many there are; count 0 when none. */
  function leadingBefore(k: SequenceKey, b: number): { from: number; count: number } {
    const { leading } = k;
    let from = leading.size;
    let count = 0;
    for (let i = leading.size - 1; i >= 0; i--) {
      const t = leading.time(i);
      if (t >= b) continue;
      if (t <= b - w) break;
      from = i;
      count++;
    }
    return { from, count };
  }

  /** Fires when the closing event at b (the event in hand, or one kept) completes a sequence. */
  function tryClose(
    k: SequenceKey,
    b: number,
    ref: EventRef,
    id: string | undefined,
    ctx: EventContext,
    out: Alert[],
  ): boolean {
    const { from, count } = leadingBefore(k, b);
    if (count < n) return false;
    const start = k.leading.time(from);
    const refs: EventRef[] = [];
    const ids: (string | undefined)[] = [];
    // The leading events, then the closing one last of all, within the evidence cap.
    for (let i = from; i < from + count && refs.length < MAX_EVIDENCE_EVENTS - 1; i++) {
      refs.push(k.leading.ref(i));
      ids.push(k.leading.id(i));
    }
    refs.push(ref);
    ids.push(id);
    const key = `${k.field}=${k.value}`;
    out.push(
      env.emit(rule, {
        key,
        keyField: k.field,
        keyValue: k.value,
        identity: String(b),
        value: count,
        threshold: n,
        message:
          `${count} ${rule.source} events with ${leadingText} for ${key}, then one with ${closingText} ` +
          `${formatDuration(b - start)} after the first (threshold ${n} within ${formatDuration(w)})`,
        eventTime: b,
        windowStart: start,
        windowEnd: start + w,
        event: ctx.event,
        refs,
        eventIds: ids,
        ingestedAt: ctx.ingestedAt,
      }),
    );
    alerts++;
    k.absorbUntil = b;
    k.leading.dropBefore(b);
    k.closing.dropBefore(b + 1);
    return true;
  }

  return {
    rule,
    windowed: true,
    onEvent(ctx, out) {
      if (where !== null && !where(ctx.event)) return;
      const leads = isLeading(ctx.event);
      const closes = isClosing(ctx.event);
      if (!leads && !closes) return;
      for (let f = 0; f < keyBy.length; f++) {
        const field = keyBy[f]!;
        const value = keyValueOf(ctx.event, field);
        if (value === null) continue;
        const mapKey = mapKeyOf(f, value, keyBy.length);
        const k =
          store.touch(mapKey) ??
          store.add(mapKey, {
            field,
            value,
            leading: new TimeBuffer(),
            closing: new TimeBuffer(),
            absorbUntil: Number.NEGATIVE_INFINITY,
          });
        if (ctx.ts < k.absorbUntil) continue;
        k.leading.dropBefore(ctx.watermark - w + 1);
        k.closing.dropBefore(ctx.watermark + 1);
        if (closes && !tryClose(k, ctx.ts, ctx.ref, ctx.eventId, ctx, out)) {
          k.closing.insert(ctx.ts, ctx.ref, ctx.eventId);
          if (k.closing.size > MAX_PENDING_CLOSINGS) k.closing.dropFirst();
        }
        if (!leads || ctx.ts < k.absorbUntil) continue;
        k.leading.insert(ctx.ts, ctx.ref, ctx.eventId);
        if (k.leading.size > maxLeading) k.leading.dropFirst();
        // Out of order: a closing event already seen, later in event time, may now be complete.
        for (let i = 0; i < k.closing.size; i++) {
          const b = k.closing.time(i);
          if (b <= ctx.ts) continue;
          if (tryClose(k, b, k.closing.ref(i), k.closing.id(i), ctx, out)) break;
        }
      }
    },
    onLate(ctx) {
      if ((where === null || where(ctx.event)) && (isLeading(ctx.event) || isClosing(ctx.event)))
        lateEvents++;
    },
    advance(next) {
      watermark = next;
      store.sweep(isExpired, SWEEP_BUDGET);
    },
    stats() {
      let entries = 0;
      store.forEach((k) => {
        entries += k.leading.size + k.closing.size;
      });
      return windowedStats(rule, store, entries, lateEvents, alerts);
    },
  };
}
