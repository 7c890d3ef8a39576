import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { SEVERITIES } from '../alerts/alert.ts';
import { SOURCES } from '../events/sources.ts';
import { literals } from '../schema/literals.ts';
import { RULE_ID_PATTERN } from './managed-rule.ts';

/** Limits on what a rules file may ask for; each bounds memory or CPU per key. */
export const RULE_LIMITS = {
  /** Longest window, run or baseline: state is kept per key for this long. */
  maxWindowMs: 86_400_000,
  /** A count rule keeps up to about two thresholds' worth of timestamps per key. */
  maxCountThreshold: 10_000,
  /** A sustained rule keeps one summary per key; more samples than this is a typo. */
  maxMinSamples: 10_000,
  /** A z-score rule keeps one number per baseline bucket per key. */
  maxBaselineBuckets: 1_440,
  /** Nesting of all/any/not; deeper trees are unreadable and slow. */
  maxConditionDepth: 8,
  /** Values of one `in`/`notIn` list. */
  maxInValues: 1_000,
  /** Fields one rule may key by (each key field is counted separately). */
  maxKeyFields: 4,
  /** A distinct rule keeps at most this many values per key (it fires, and forgets them, on reaching it). */
  maxDistinctThreshold: 10_000,
  /** A sequence rule keeps about twice this many leading events per key. */
  maxSequenceThreshold: 1_000,
} as const;

/** Values a rule gets when its file leaves them out. */
export const RULE_DEFAULTS = {
  /** z-score bucket length: per-minute volume, as the default `logs.volume-anomaly` rule counts it. */
  bucketMs: 60_000,
  /** Ten minutes of history before a z-score can fire: fewer points make the standard deviation noise. */
  minBaselineBuckets: 10,
  /** Shortest default `resolveAfterMs`: an episode of a per-event rule stays open 5 min after its last firing. */
  minResolveAfterMs: 300_000,
} as const;

export const RULE_KINDS = [
  'threshold',
  'match',
  'count',
  'sustained',
  'zscore',
  'distinct',
  'sequence',
  'absence',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

export const COMPARE_OPS = ['gt', 'gte', 'lt', 'lte'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];

const scalar = Type.Union([Type.String(), Type.Number(), Type.Boolean()]);

/**
 * The `where` predicate language. A leaf names one top-level event field and exactly one operator;
 * `all`, `any` and `not` combine leaves. The schema documents the shape (and is served as JSON Schema);
 * validate-condition.ts checks it by hand, because union errors from a schema validator do not say which
 * branch the author meant.
 */
export const ConditionSchema = Type.Recursive(
  (Self) =>
    Type.Union([
      Type.Object({ all: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ any: Type.Array(Self, { minItems: 1 }) }, { additionalProperties: false }),
      Type.Object({ not: Self }, { additionalProperties: false }),
      Type.Object(
        {
          field: Type.String(),
          eq: Type.Optional(scalar),
          ne: Type.Optional(scalar),
          in: Type.Optional(Type.Array(scalar, { minItems: 1 })),
          notIn: Type.Optional(Type.Array(scalar, { minItems: 1 })),
          gt: Type.Optional(Type.Number()),
          gte: Type.Optional(Type.Number()),
          lt: Type.Optional(Type.Number()),
          lte: Type.Optional(Type.Number()),
          contains: Type.Optional(Type.String({ minLength: 1 })),
          caseInsensitive: Type.Optional(Type.Boolean()),
          exists: Type.Optional(Type.Boolean()),
        },
        { additionalProperties: false },
      ),
    ]),
  { $id: 'Condition' },
);
export type Condition = Static<typeof ConditionSchema>;

const ms = (description: string) =>
  Type.Integer({
    minimum: 1,
    maximum: RULE_LIMITS.maxWindowMs,
    description: `${description} (milliseconds)`,
  });
const keyBy = Type.Array(Type.String({ minLength: 1 }), {
  minItems: 1,
  maxItems: RULE_LIMITS.maxKeyFields,
  uniqueItems: true,
  description: 'event fields to key by; each field is a separate key space, events missing it are skipped',
});

const common = {
  $comment: Type.Optional(Type.String({ description: 'free text for humans (JSON has no comments)' })),
  id: Type.String({ pattern: RULE_ID_PATTERN.source }),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  source: literals(SOURCES),
  severity: literals(SEVERITIES),
  enabled: Type.Optional(Type.Boolean({ default: true })),
  where: Type.Optional(ConditionSchema),
  resolveAfterMs: Type.Optional(
    ms(
      "an episode auto-resolves when the rule has not fired for its key this long; default the rule's window, at least 5 min",
    ),
  ),
};

const strict = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { additionalProperties: false });

export const ThresholdRuleSchema = strict({
  ...common,
  kind: Type.Literal('threshold'),
  keyBy: Type.Optional(keyBy),
  field: Type.String({ minLength: 1 }),
  op: literals(COMPARE_OPS),
  threshold: Type.Number(),
});

export const MatchRuleSchema = strict({
  ...common,
  kind: Type.Literal('match'),
  keyBy: Type.Optional(keyBy),
  where: ConditionSchema,
});

export const CountRuleSchema = strict({
  ...common,
  kind: Type.Literal('count'),
  keyBy,
  threshold: Type.Integer({ minimum: 1, maximum: RULE_LIMITS.maxCountThreshold }),
  windowMs: ms('sliding window length'),
});

export const SustainedRuleSchema = strict({
  ...common,
  kind: Type.Literal('sustained'),
  keyBy,
  field: Type.String({ minLength: 1 }),
  op: literals(COMPARE_OPS),
  threshold: Type.Number(),
  durationMs: ms('shortest run, first to last sample'),
  minSamples: Type.Integer({ minimum: 1, maximum: RULE_LIMITS.maxMinSamples }),
  maxGapMs: Type.Optional(ms('a longer silence between two samples breaks the run; default durationMs')),
});

export const ZScoreRuleSchema = strict({
  ...common,
  kind: Type.Literal('zscore'),
  keyBy,
  threshold: Type.Number({ exclusiveMinimum: 0, description: 'z-score the bucket must exceed' }),
  bucketMs: Type.Optional(ms('bucket length; default 60000')),
  baselineMs: ms('trailing baseline length, a multiple of bucketMs'),
  minBaselineBuckets: Type.Optional(Type.Integer({ minimum: 2, description: 'default 10' })),
});

export const DistinctRuleSchema = strict({
  ...common,
  kind: Type.Literal('distinct'),
  keyBy,
  field: Type.String({ minLength: 1, description: 'the field whose distinct values are counted per key' }),
  threshold: Type.Integer({ minimum: 1, maximum: RULE_LIMITS.maxDistinctThreshold }),
  windowMs: ms('sliding window length'),
});

/** `first` holds the leading events (`threshold` of them at least), `followedBy` the closing one. */
export const SequenceRuleSchema = strict({
  ...common,
  kind: Type.Literal('sequence'),
  keyBy,
  first: ConditionSchema,
  threshold: Type.Integer({ minimum: 1, maximum: RULE_LIMITS.maxSequenceThreshold }),
  followedBy: ConditionSchema,
  windowMs: ms('first leading event to the closing event'),
});

export const AbsenceRuleSchema = strict({
  ...common,
  kind: Type.Literal('absence'),
  keyBy,
  durationMs: ms('silence of a key seen before that fires'),
});

export const RULE_SCHEMAS = {
  threshold: ThresholdRuleSchema,
  match: MatchRuleSchema,
  count: CountRuleSchema,
  sustained: SustainedRuleSchema,
  zscore: ZScoreRuleSchema,
  distinct: DistinctRuleSchema,
  sequence: SequenceRuleSchema,
  absence: AbsenceRuleSchema,
} as const;

/** The rules file: `{ "version": 1, "rules": [...] }`. */
export const RulesFileSchema = Type.Object(
  {
    $comment: Type.Optional(Type.String()),
    version: Type.Optional(Type.Literal(1)),
    rules: Type.Array(Type.Union(Object.values(RULE_SCHEMAS))),
  },
  { additionalProperties: false },
);

type WithDefaults<T, D> = Omit<T, keyof D> & D;
type Resolved = { enabled: boolean; keyBy: string[]; resolveAfterMs: number };

export type ThresholdRule = WithDefaults<Static<typeof ThresholdRuleSchema>, Resolved>;
export type MatchRule = WithDefaults<Static<typeof MatchRuleSchema>, Resolved>;
export type CountRule = WithDefaults<Static<typeof CountRuleSchema>, Resolved>;
export type SustainedRule = WithDefaults<Static<typeof SustainedRuleSchema>, Resolved & { maxGapMs: number }>;
export type ZScoreRule = WithDefaults<
  Static<typeof ZScoreRuleSchema>,
  Resolved & { bucketMs: number; minBaselineBuckets: number }
>;

export type DistinctRule = WithDefaults<Static<typeof DistinctRuleSchema>, Resolved>;
export type SequenceRule = WithDefaults<Static<typeof SequenceRuleSchema>, Resolved>;
export type AbsenceRule = WithDefaults<Static<typeof AbsenceRuleSchema>, Resolved>;

/** A validated rule with every default filled in (see parse-rules.ts); what `GET /api/rules` serves. */
export type Rule =
  | ThresholdRule
  | MatchRule
  | CountRule
  | SustainedRule
  | ZScoreRule
  | DistinctRule
  | SequenceRule
  | AbsenceRule;
