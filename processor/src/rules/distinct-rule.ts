import type { DistinctRule } from '@vigil/core/rules';
import { formatDuration, MAX_EVIDENCE_EVENTS } from './alert-factory.ts';
import { compileCondition, conditionText } from './condition.ts';
import type { EventContext, EventRef, RuleEvaluator } from './engine-types.ts';
import { type EvaluatorEnv, keyValueOf, mapKeyOf } from './evaluator-env.ts';
import { KeyedStore, SWEEP_BUDGET } from './keyed-store.ts';
import { windowedStats } from './windowed-stats.ts';

/** The latest matching event of one counted value. */
interface Seen {
  time: number;
  ref: EventRef;
  id: string | undefined;
}

interface DistinctKey {
  field: string;
  value: string;
  /** Counted value → its latest event, in the order of those latest events' arrival (oldest first). */
  seen: Map<string, Seen>;
  /** The key's newest event time: the window is (newest − W, newest]. */
  newest: number;
  /** Events before this time belong to a window that already fired. */
  absorbUntil: number;
}

/**
 * `distinct`: fires when the matching events of one key carry at least N distinct values of `field` within
 * a sliding window of W ms: N values whose latest events span less than W. Exactly N fires, N − 1 does not.
 *
 * The window ends at the key's newest event: (newest − W, newest]. Each value counts by its latest event,
 * so a user tried twice counts once, at the second try. With in-order events that is exact; an event arriving
 * out of order within the lateness bound counts when it falls inside the window of the key's newest event.
 *
 * Once per window, like count: the firing window is [s, s + W), s the earliest latest-event of the values
 * counted; events of that key before s + W are absorbed, and the values are forgotten, so the next window
 * needs N values again, from events at or after s + W. The id uses s.
 *
 * Memory: at most N values per key (on reaching N the rule fires and forgets them; values that left the
 * window are dropped before that), each with its latest event's ref. Keys expire once the watermark has
 * passed their window and any absorbing one.
 */
export function createDistinctEvaluator(rule: DistinctRule, env: EvaluatorEnv): RuleEvaluator {
  const where = rule.where ? compileCondition(rule.where) : null;
  const { keyBy, field: counted, threshold: n, windowMs: w } = rule;
  const store = new KeyedStore<DistinctKey>(env.maxKeysPerRule);
  const what = `${rule.source} events${rule.where ? ` with ${conditionText(rule.where)}` : ''}`;
  let lateEvents = 0;
  let alerts = 0;

  let watermark = Number.NEGATIVE_INFINITY;
  const isExpired = (k: DistinctKey) => k.newest <= watermark - w && k.absorbUntil <= watermark;

  /** Drops values whose latest event left the window; returns the earliest time still in it. */
  function prune(k: DistinctKey, everything: boolean): number {
    const after = k.newest - w;
    let earliest = Number.POSITIVE_INFINITY;
    for (const [value, seen] of k.seen) {
      if (seen.time <= after) k.seen.delete(value);
      else if (!everything) break;
      else if (seen.time < earliest) earliest = seen.time;
    }
    return earliest;
  }

  function fire(k: DistinctKey, start: number, ctx: EventContext) {
    const entries = [...k.seen.values()].sort((a, b) => a.time - b.time);
    const refs = entries.slice(0, MAX_EVIDENCE_EVENTS).map((s) => s.ref);
    const ids = entries.slice(0, MAX_EVIDENCE_EVENTS).map((s) => s.id);
    const count = entries.length;
    const key = `${k.field}=${k.value}`;
    const spread = formatDuration(k.newest - start);
    return env.emit(rule, {
      key,
      keyField: k.field,
      keyValue: k.value,
      identity: String(start),
      value: count,
      threshold: n,
      message: `${count} distinct ${counted} in ${what} for ${key} within ${spread} (threshold ${n} in ${formatDuration(w)})`,
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
      const item = keyValueOf(ctx.event, counted);
      if (item === null) return;
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
            seen: new Map(),
            newest: Number.NEGATIVE_INFINITY,
            absorbUntil: Number.NEGATIVE_INFINITY,
          });
        if (ctx.ts < k.absorbUntil) continue;
        const seen = k.seen.get(item);
        if (seen === undefined) k.seen.set(item, { time: ctx.ts, ref: ctx.ref, id: ctx.eventId });
        else if (ctx.ts > seen.time) {
          // Re-inserted so that the Map stays in the order of latest events, oldest first.
          k.seen.delete(item);
          seen.time = ctx.ts;
          seen.ref = ctx.ref;
          seen.id = ctx.eventId;
          k.seen.set(item, seen);
        }
        if (ctx.ts > k.newest) k.newest = ctx.ts;
        prune(k, false);
        if (k.seen.size < n) continue;
        // Out-of-order updates can leave a stale value behind a fresh one: count exactly before firing.
        const start = prune(k, true);
        if (k.seen.size < n) continue;
        out.push(fire(k, start, ctx));
        alerts++;
        k.absorbUntil = start + w;
        k.seen.clear();
      }
    },
    onLate(ctx) {
      if ((where === null || where(ctx.event)) && keyValueOf(ctx.event, counted) !== null) lateEvents++;
    },
    advance(next) {
      watermark = next;
      store.sweep(isExpired, SWEEP_BUDGET);
    },
    stats() {
      let entries = 0;
      store.forEach((k) => {
        entries += k.seen.size;
      });
      return windowedStats(rule, store, entries, lateEvents, alerts);
    },
  };
}
