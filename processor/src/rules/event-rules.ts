import type { Alert } from '@vigil/core';
import { DEFAULT_KEY_FIELD, type MatchRule, type Rule, type ThresholdRule } from '@vigil/core/rules';
import { eventIdentity } from './alert-factory.ts';
import { compileCondition, describeCondition, type EventRecord, OP_SYMBOLS, showValue } from './condition.ts';
import type { EventContext, RuleEvaluator, RuleStats } from './engine-types.ts';
import { COMPARE, type EvaluatorEnv, keyValueOf } from './evaluator-env.ts';

/** Per-event rules label an alert with the first key field the event has (the source default otherwise). */
function keyOf(rule: Rule, event: EventRecord): { keyField: string; keyValue: string } {
  for (const keyField of rule.keyBy) {
    const keyValue = keyValueOf(event, keyField);
    if (keyValue !== null) return { keyField, keyValue };
  }
  const keyField = DEFAULT_KEY_FIELD[rule.source];
  return { keyField, keyValue: keyValueOf(event, keyField) ?? '' };
}

function perEventEvaluator(rule: Rule, fire: (ctx: EventContext, out: Alert[]) => boolean): RuleEvaluator {
  let alerts = 0;
  return {
    rule,
    windowed: false,
    onEvent(ctx, out) {
      if (fire(ctx, out)) alerts++;
    },
    onLate() {},
    advance() {},
    stats: (): RuleStats => ({
      ruleId: rule.id,
      kind: rule.kind,
      source: rule.source,
      keys: 0,
      entries: 0,
      lateEvents: 0,
      evictions: 0,
      demotions: 0,
      expired: 0,
      alerts,
    }),
  };
}

/** `threshold`: fires on every event whose numeric field passes the comparison (and `where`, if any). */
export function createThresholdEvaluator(rule: ThresholdRule, env: EvaluatorEnv): RuleEvaluator {
  const where = rule.where ? compileCondition(rule.where) : null;
  const compare = COMPARE[rule.op];
  const { field, threshold } = rule;
  return perEventEvaluator(rule, (ctx, out) => {
    const value = ctx.event[field];
    if (typeof value !== 'number' || !compare(value, threshold)) return false;
    if (where !== null && !where(ctx.event)) return false;
    const { keyField, keyValue } = keyOf(rule, ctx.event);
    const key = `${keyField}=${keyValue}`;
    const context = rule.where ? ` (${describeCondition(rule.where, ctx.event)})` : '';
    out.push(
      env.emit(rule, {
        ...singleEvent(ctx, keyField, keyValue, key),
        value,
        threshold,
        message: `${field} ${showValue(value)} ${OP_SYMBOLS[rule.op]} ${threshold} on ${key}${context}`,
      }),
    );
    return true;
  });
}

/** `match`: fires on every event satisfying `where`; a conjunction is a match on an `all` condition. */
export function createMatchEvaluator(rule: MatchRule, env: EvaluatorEnv): RuleEvaluator {
  const where = compileCondition(rule.where);
  return perEventEvaluator(rule, (ctx, out) => {
    if (!where(ctx.event)) return false;
    const { keyField, keyValue } = keyOf(rule, ctx.event);
    const key = `${keyField}=${keyValue}`;
    out.push(
      env.emit(rule, {
        ...singleEvent(ctx, keyField, keyValue, key),
        value: 1,
        threshold: null,
        message: `${describeCondition(rule.where, ctx.event)} on ${key}`,
      }),
    );
    return true;
  });
}

function singleEvent(ctx: EventContext, keyField: string, keyValue: string, key: string) {
  return {
    key,
    keyField,
    keyValue,
    identity: eventIdentity(ctx.eventId, ctx.ref),
    eventTime: ctx.ts,
    windowStart: null,
    windowEnd: null,
    event: ctx.event,
    refs: [ctx.ref],
    eventIds: [ctx.eventId],
    ingestedAt: ctx.ingestedAt,
  };
}
