import type { Alert } from '@vigil/core';
import type { AbsenceRule } from '@vigil/core/rules';
import { formatDuration } from './alert-factory.ts';
import { compileCondition, conditionText } from './condition.ts';
import type { EventContext, EventRef, RuleEvaluator } from './engine-types.ts';
import { type EvaluatorEnv, keyValueOf, mapKeyOf } from './evaluator-env.ts';
import { KeyedStore } from './keyed-store.ts';
import { windowedStats } from './windowed-stats.ts';

interface AbsenceKey {
  field: string;
  value: string;
  /** Time of the key's latest matching event, and that event's ref and id (the alert's evidence). */
  last: number;
  ref: EventRef;
  id: string | undefined;
  /** The latest event's service and userId, for the alert (references to strings the event holds). */
  service: unknown;
  userId: unknown;
}

/** How the silence was seen, said in the alert's message. */
type Trigger = 'event-time' | 'returned' | 'wall-clock';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `absence`: fires when a key that had a matching event at s has none in (s, s + D): a host that sent
 * metrics stops. An event exactly D after the previous one is too late to prevent it. Three ways to see it,
 * the same episode and the same id (rule, key, s) whichever comes first:
 *
 * - **event time**: the source's watermark reaches s + D (other keys' events moved event time on; every
 *   event before s + D that is not late has been seen);
 * - **returned**: the key's own next event is D or more after s, before the watermark got there (fires
 *   at once, like count and sustained; an older event of the key arriving afterwards, out of order within the
 *   lateness bound, does not retract it);
 * - **wall-clock idleness**: the source sends nothing at all, so event time stands still; the engine's
 *   tick() extends the watermark by the wall-clock time elapsed since the source's last event (see
 *   rule-engine.ts) and calls idle().
 *
 * Once per silence episode: a key that fired is dropped; its next event starts a new episode, which can fire
 * again. Events dated before the furthest point the rule has judged (watermark, or idle watermark) are late
 * for it: they cannot start an episode the rule already called silent.
 *
 * Memory: one small record per key that is not silent yet, at most maxKeysPerRule (the segmented LRU evicts
 * probation keys silently: an evicted key cannot fire). Due keys are found from the least recently updated
 * end of each segment: a key updated in arrival order behind a newer one can fire up to the lateness bound
 * late, never with another id.
 */
export function createAbsenceEvaluator(rule: AbsenceRule, env: EvaluatorEnv): RuleEvaluator {
  const where = rule.where ? compileCondition(rule.where) : null;
  const { keyBy, durationMs: d } = rule;
  const store = new KeyedStore<AbsenceKey>(env.maxKeysPerRule);
  const what = `${rule.source} events${rule.where ? ` with ${conditionText(rule.where)}` : ''}`;
  /** The furthest event time judged: max of the watermark and the wall-clock extension of it. */
  let horizon = Number.NEGATIVE_INFINITY;
  /** How long the source had been idle when the horizon was last moved by the wall clock (for the message). */
  let idleForMs = 0;
  let lateEvents = 0;
  let alerts = 0;

  function fire(k: AbsenceKey, trigger: Trigger, until: number, ctx: EventContext | null): Alert {
    const key = `${k.field}=${k.value}`;
    const silent = formatDuration(until - k.last);
    const since = `${key} sent no ${what} since ${iso(k.last)}`;
    const rulePart = `rule: none for ${formatDuration(d)}`;
    const message =
      trigger === 'returned'
        ? `${key} sent no ${what} for ${silent}, from ${iso(k.last)} to ${iso(until)} (${rulePart}); detected on event time, when it came back`
        : trigger === 'event-time'
          ? `${since}: event time is ${silent} past it (${rulePart}); detected on event time`
          : `${since}, and the source has sent nothing at all for ${formatDuration(idleForMs)} of wall-clock time (${rulePart}); detected on wall-clock idleness`;
    alerts++;
    return env.emit(rule, {
      key,
      keyField: k.field,
      keyValue: k.value,
      identity: String(k.last),
      value: until - k.last,
      threshold: d,
      message,
      // When the silence became an alert in event time: the same whichever way it was seen.
      eventTime: k.last + d,
      windowStart: k.last,
      windowEnd: k.last + d,
      event: { service: k.service, userId: k.userId },
      refs: [k.ref],
      eventIds: [k.id],
      ingestedAt: ctx?.ingestedAt,
    });
  }

  function fireDue(trigger: Trigger, out: Alert[]): void {
    // Each key fires once and is dropped, so the whole due front is worth visiting: no budget.
    store.sweep((k) => {
      if (k.last + d > horizon) return false;
      out.push(fire(k, trigger, horizon, null));
      return true;
    }, Number.POSITIVE_INFINITY);
  }

  return {
    rule,
    windowed: true,
    onEvent(ctx, out) {
      if (where !== null && !where(ctx.event)) return;
      if (ctx.ts < horizon) {
        lateEvents++;
        return;
      }
      for (let f = 0; f < keyBy.length; f++) {
        const field = keyBy[f]!;
        const value = keyValueOf(ctx.event, field);
        if (value === null) continue;
        const mapKey = mapKeyOf(f, value, keyBy.length);
        const k = store.touch(mapKey);
        if (k === undefined) {
          store.add(mapKey, {
            field,
            value,
            last: ctx.ts,
            ref: ctx.ref,
            id: ctx.eventId,
            service: ctx.event.service,
            userId: ctx.event.userId,
          });
          continue;
        }
        if (ctx.ts <= k.last) continue; // out of order: the latest event stays the latest
        if (ctx.ts - k.last >= d) out.push(fire(k, 'returned', ctx.ts, ctx));
        k.last = ctx.ts;
        k.ref = ctx.ref;
        k.id = ctx.eventId;
        k.service = ctx.event.service;
        k.userId = ctx.event.userId;
      }
    },
    onLate(ctx) {
      if (where === null || where(ctx.event)) lateEvents++;
    },
    advance(watermark, out) {
      if (watermark <= horizon) return;
      horizon = watermark;
      fireDue('event-time', out);
    },
    idle(idleWatermark, idleMs, out) {
      if (idleWatermark <= horizon) return;
      horizon = idleWatermark;
      idleForMs = idleMs;
      fireDue('wall-clock', out);
    },
    stats: () => windowedStats(rule, store, store.size, lateEvents, alerts),
  };
}
