import { type Alert, ERROR_CODES, SOURCES, type Source, ValidationError, VigilError } from '@vigil/core';
import type { Rule } from '@vigil/core/rules';
import { createAbsenceEvaluator } from './absence-rule.ts';
import { buildAlert } from './alert-factory.ts';
import { createCountEvaluator } from './count-rule.ts';
import { createDistinctEvaluator } from './distinct-rule.ts';
import type { Evaluation, EventContext, RuleEngineStats, RuleEvaluator, RuleInput } from './engine-types.ts';
import type { EvaluatorEnv } from './evaluator-env.ts';
import { createMatchEvaluator, createThresholdEvaluator } from './event-rules.ts';
import { createSequenceEvaluator } from './sequence-rule.ts';
import { createSustainedEvaluator } from './sustained-rule.ts';
import { createZScoreEvaluator } from './zscore-rule.ts';

export const RULE_ENGINE_DEFAULTS = {
  /** Out-of-order delivery across partitions and producers is seconds, not minutes. */
  allowedLatenessMs: 10_000,
  /** Bounds window state per rule (≈ tens of MB at the default rules' sizes) against key explosions. */
  maxKeysPerRule: 100_000,
  /** Producer clocks ahead by more than this are wrong; their events must not hold window state hostage. */
  maxFutureSkewMs: 60_000,
} as const;

export interface RuleEngineOptions {
  rules: readonly Rule[];
  now: () => number;
  allowedLatenessMs?: number;
  maxKeysPerRule?: number;
  maxFutureSkewMs?: number;
}

export interface RuleEngine {
  /** Evaluates one validated event against the enabled rules of its source; pure apart from window state. */
  evaluate(input: RuleInput): Evaluation;
  /**
   * Evaluates wall-clock idleness, for rules that fire on silence (absence): a source that has sent no event
   * for longer than the allowed lateness is taken to have moved on in event time by the wall-clock time since
   * its last event. Call it periodically (the processor does, every commit tick); cheap when nothing is idle.
   */
  tick(): readonly Alert[];
  stats(): RuleEngineStats;
  /** Every rule given, disabled ones included (for `GET /api/rules`). */
  readonly rules: readonly Rule[];
}

interface Lane {
  evaluators: RuleEvaluator[];
  windowed: RuleEvaluator[];
  /** Evaluators that fire on silence, told about wall-clock idleness by tick(). */
  idle: RuleEvaluator[];
  maxTs: number;
  watermark: number;
  /** now() at the lane's latest event, whatever became of it (late, too new): the source was not idle. */
  lastEventAt: number;
}

const NO_ALERTS: readonly Alert[] = Object.freeze([]);
const QUIET: Evaluation = Object.freeze({ alerts: NO_ALERTS, late: false, tooNew: false });
const QUIET_LATE: Evaluation = Object.freeze({ alerts: NO_ALERTS, late: true, tooNew: false });
const QUIET_TOO_NEW: Evaluation = Object.freeze({ alerts: NO_ALERTS, late: false, tooNew: true });

function createEvaluator(rule: Rule, env: EvaluatorEnv): RuleEvaluator {
  switch (rule.kind) {
    case 'threshold':
      return createThresholdEvaluator(rule, env);
    case 'match':
      return createMatchEvaluator(rule, env);
    case 'count':
      return createCountEvaluator(rule, env);
    case 'sustained':
      return createSustainedEvaluator(rule, env);
    case 'zscore':
      return createZScoreEvaluator(rule, env);
    case 'distinct':
      return createDistinctEvaluator(rule, env);
    case 'sequence':
      return createSequenceEvaluator(rule, env);
    case 'absence':
      return createAbsenceEvaluator(rule, env);
  }
}

function option(name: string, value: number | undefined, fallback: number, min: number): number {
  const chosen = value ?? fallback;
  if (!Number.isSafeInteger(chosen) || chosen < min) {
    throw new VigilError(
      ERROR_CODES.config,
      `rule engine: ${name} must be an integer ≥ ${min}, got ${value}`,
    );
  }
  return chosen;
}

/**
 * Builds the rule engine: rules indexed by source, conditions compiled once, window state per rule and key.
 * Event time is the event's `ts`; each source has a watermark = min(latest event time, now()) − allowed
 * lateness. Windowed rules ignore events older than it (late) or further than maxFutureSkewMs ahead of now()
 * (tooNew); per-event rules see every event. tick() lets absence rules see a source that stopped altogether.
 * See processor/RULES.md for the semantics of each kind.
 */
export function createRuleEngine(options: RuleEngineOptions): RuleEngine {
  const d = RULE_ENGINE_DEFAULTS;
  const allowedLatenessMs = option('allowedLatenessMs', options.allowedLatenessMs, d.allowedLatenessMs, 0);
  const maxKeysPerRule = option('maxKeysPerRule', options.maxKeysPerRule, d.maxKeysPerRule, 1);
  const maxFutureSkewMs = option('maxFutureSkewMs', options.maxFutureSkewMs, d.maxFutureSkewMs, 0);
  const { now } = options;
  const env: EvaluatorEnv = {
    allowedLatenessMs,
    maxKeysPerRule,
    maxFutureSkewMs,
    emit: (rule, draft) => buildAlert(rule, draft, now()),
  };

  const lanes = {} as Record<Source, Lane>;
  for (const source of SOURCES) {
    lanes[source] = {
      evaluators: [],
      windowed: [],
      idle: [],
      maxTs: Number.NEGATIVE_INFINITY,
      watermark: Number.NEGATIVE_INFINITY,
      lastEventAt: Number.NEGATIVE_INFINITY,
    };
  }
  const all: RuleEvaluator[] = [];
  for (const rule of options.rules) {
    if (!rule.enabled) continue;
    const evaluator = createEvaluator(rule, env);
    all.push(evaluator);
    lanes[rule.source].evaluators.push(evaluator);
    if (evaluator.windowed) lanes[rule.source].windowed.push(evaluator);
    if (evaluator.idle) lanes[rule.source].idle.push(evaluator);
  }

  // Reused for every event: the hot path allocates nothing unless a rule fires.
  const ctx: EventContext = {
    event: {},
    ts: 0,
    ref: { topic: '', partition: 0, offset: '0' },
    eventId: undefined,
    ingestedAt: undefined,
    watermark: Number.NEGATIVE_INFINITY,
  };
  const scratch: Alert[] = [];
  const counts = { events: 0, lateEvents: 0, tooNewEvents: 0, alerts: 0 };

  function evaluate(input: RuleInput): Evaluation {
    const lane = lanes[input.source];
    const rawTs = input.event.ts;
    const ts = input.eventTime ?? (typeof rawTs === 'string' ? Date.parse(rawTs) : Number.NaN);
    if (Number.isNaN(ts)) throw new ValidationError(`event ts is not a date-time: ${JSON.stringify(rawTs)}`);
    scratch.length = 0;
    counts.events++;

    let late = false;
    let tooNew = false;
    if (lane.windowed.length > 0) {
      const nowMs = now();
      lane.lastEventAt = nowMs;
      if (ts > nowMs + maxFutureSkewMs) tooNew = true;
      else {
        const reached = input.streamTime ?? ts;
        if (reached > lane.maxTs) lane.maxTs = reached;
        const watermark = Math.min(lane.maxTs, nowMs) - allowedLatenessMs;
        if (watermark > lane.watermark) {
          lane.watermark = watermark;
          for (const evaluator of lane.windowed) evaluator.advance(watermark, scratch);
        }
        late = ts < lane.watermark;
      }
    }
    if (late) counts.lateEvents++;
    if (tooNew) counts.tooNewEvents++;

    const id = input.event.id;
    ctx.event = input.event;
    ctx.ts = ts;
    ctx.ref = input.ref;
    ctx.eventId = typeof id === 'string' ? id : undefined;
    // A bad timestamp from upstream must not turn into a RangeError when an alert is built.
    ctx.ingestedAt = Number.isFinite(input.ingestedAt) ? input.ingestedAt : undefined;
    ctx.watermark = lane.watermark;
    for (const evaluator of lane.evaluators) {
      if (!evaluator.windowed) evaluator.onEvent(ctx, scratch);
      else if (late) evaluator.onLate(ctx);
      else if (!tooNew) evaluator.onEvent(ctx, scratch);
    }

    if (scratch.length === 0) return late ? QUIET_LATE : tooNew ? QUIET_TOO_NEW : QUIET;
    const alerts = scratch.slice();
    scratch.length = 0;
    counts.alerts += alerts.length;
    return { alerts, late, tooNew };
  }

  function tick(): readonly Alert[] {
    const nowMs = now();
    scratch.length = 0;
    for (const source of SOURCES) {
      const lane = lanes[source];
      if (lane.idle.length === 0 || !Number.isFinite(lane.watermark)) continue;
      const idleMs = nowMs - lane.lastEventAt;
      // Within the lateness bound a quiet source is ordinary jitter, and its events may still come.
      if (idleMs <= allowedLatenessMs) continue;
      for (const evaluator of lane.idle) evaluator.idle?.(lane.watermark + idleMs, idleMs, scratch);
    }
    if (scratch.length === 0) return NO_ALERTS;
    const alerts = scratch.slice();
    scratch.length = 0;
    counts.alerts += alerts.length;
    return alerts;
  }

  function stats(): RuleEngineStats {
    const watermarks = {} as Record<Source, number | null>;
    for (const source of SOURCES) {
      const { watermark } = lanes[source];
      watermarks[source] = Number.isFinite(watermark) ? watermark : null;
    }
    return { ...counts, watermarks, rules: all.map((e) => e.stats()) };
  }

  return { evaluate, tick, stats, rules: options.rules };
}
