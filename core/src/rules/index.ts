// The rule contract (`@vigil/core/rules`): what a rule is, how a rules file is validated, and the event
// fields rules may name. Pure and browser-safe, so the processor, the gateway and the dashboard share it;
// reading files and evaluating rules stay in the processor. A subpath of its own keeps the main entry
// light: importing it compiles one validator per rule kind.
export {
  BACKTEST_LISTED,
  type BacktestList,
  type BacktestProgress,
  type BacktestReplayStats,
  type BacktestResult,
  type BacktestStop,
  backtestMatchKey,
} from './backtest-result.ts';
export { defaultRules } from './default-rules.ts';
export { DEFAULT_KEY_FIELD, EVENT_FIELDS, type FieldInfo } from './event-fields.ts';
export {
  canonicalJson,
  isRuleId,
  RULE_CHANGES,
  RULE_ID_PATTERN,
  type RuleChange,
  type RuleVersionEntry,
  ruleVersionOf,
  type StoredRule,
  type VersionedRule,
  withRuleVersion,
} from './managed-rule.ts';
export { defaultResolveAfterMs, parseRule, parseRules, type RuleProblem } from './parse-rules.ts';
export {
  type AbsenceRule,
  AbsenceRuleSchema,
  COMPARE_OPS,
  type CompareOp,
  type Condition,
  ConditionSchema,
  type CountRule,
  CountRuleSchema,
  type DistinctRule,
  DistinctRuleSchema,
  type MatchRule,
  MatchRuleSchema,
  RULE_DEFAULTS,
  RULE_KINDS,
  RULE_LIMITS,
  RULE_SCHEMAS,
  type Rule,
  type RuleKind,
  RulesFileSchema,
  type SequenceRule,
  SequenceRuleSchema,
  type SustainedRule,
  SustainedRuleSchema,
  type ThresholdRule,
  ThresholdRuleSchema,
  type ZScoreRule,
  ZScoreRuleSchema,
} from './rule-schema.ts';
export type { RuleSource } from './rule-source.ts';
