import type { Alert, Source } from '@vigil/core';
import type { Rule, RuleKind } from '@vigil/core/rules';
import type { EventRecord } from './condition.ts';

/** Where an event sits on the bus; kept as evidence and used as its identity when it has no `id`. */
export interface EventRef {
  topic: string;
  partition: number;
  /** Decimal string, as the bus port gives it. */
  offset: string;
}

/** One validated event to evaluate. The engine keeps `ref` in window state: do not mutate it afterwards. */
export interface RuleInput {
  source: Source;
  event: EventRecord;
  ref: EventRef;
  /** Epoch ms the event entered Vigil, copied to the alert for latency tracing. */
  ingestedAt?: number;
  /** `event.ts` as epoch ms, when the caller has parsed it already (the processor has): parsed once. */
  eventTime?: number;
  /**
   * Event time the stream has reached, when the events come merged from several ordered inputs (the
   * repartition topic: see pipeline/origin-clock.ts); the watermark follows it instead of the newest event.
   */
  streamTime?: number;
}

export interface Evaluation {
  /** Alerts this event caused, in a deterministic order; usually empty (a shared frozen array then). */
  alerts: readonly Alert[];
  /** Older than its source's watermark: windowed rules ignored it (per-event rules still ran). */
  late: boolean;
  /** Further ahead of now() than maxFutureSkewMs: windowed rules ignored it (per-event rules still ran). */
  tooNew: boolean;
}

export interface RuleStats {
  ruleId: string;
  kind: RuleKind;
  source: Source;
  /** Keys holding window state now (0 for per-event rules). */
  keys: number;
  /**
   * Timestamps (count, sequence), pending samples (sustained), bucket slots (zscore), values (distinct) or
   * keys (absence) held across keys: a memory gauge.
   */
  entries: number;
  /** Events this rule would have considered but that arrived too late for its windows. */
  lateEvents: number;
  /** Keys dropped because the rule hit maxKeysPerRule: always the least recently updated key on probation. */
  evictions: number;
  /** Protected keys (two events or more) moved back to probation to make room for a newly promoted one. */
  demotions: number;
  /** Keys dropped because the watermark passed everything they held (normal, bounded memory). */
  expired: number;
  alerts: number;
}

export interface RuleEngineStats {
  events: number;
  lateEvents: number;
  tooNewEvents: number;
  alerts: number;
  /** Per source, epoch ms; null until the source's first event. */
  watermarks: Record<Source, number | null>;
  rules: RuleStats[];
}

/** Per-event state shared with every evaluator; one mutable object per engine, reused for each event. */
export interface EventContext {
  event: EventRecord;
  /** Event time, epoch ms. */
  ts: number;
  ref: EventRef;
  eventId: string | undefined;
  ingestedAt: number | undefined;
  /** The source's watermark after this event: state entirely before it can be dropped. */
  watermark: number;
}

/** One rule's runtime: per-event rules only implement onEvent; windowed rules keep keyed state. */
export interface RuleEvaluator {
  readonly rule: Rule;
  readonly windowed: boolean;
  onEvent(ctx: EventContext, out: Alert[]): void;
  /** A windowed rule saw an event that was late: count it if the rule would have considered it. */
  onLate(ctx: EventContext): void;
  /** The source's watermark moved forward: close buckets, drop expired keys. */
  advance(watermark: number, out: Alert[]): void;
  /**
   * Only rules that fire on silence (absence): the source has been idle for `idleMs` of wall-clock time and
   * event time is taken to have moved on with it, to `idleWatermark` (see RuleEngine.tick).
   */
  idle?(idleWatermark: number, idleMs: number, out: Alert[]): void;
  stats(): RuleStats;
}
