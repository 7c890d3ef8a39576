export { alertId, formatDuration, MAX_EVIDENCE_EVENTS } from './alert-factory.ts';
export type { EventRecord } from './condition.ts';
export type {
  Evaluation,
  EventRef,
  RuleEngineStats,
  RuleInput,
  RuleStats,
} from './engine-types.ts';
export { defaultRules, loadRules } from './load-rules.ts';
export { parseRules } from './parse-rules.ts';
export {
  createRuleEngine,
  RULE_ENGINE_DEFAULTS,
  type RuleEngine,
  type RuleEngineOptions,
} from './rule-engine.ts';
export {
  COMPARE_OPS,
  type Condition,
  ConditionSchema,
  type CountRule,
  type MatchRule,
  RULE_DEFAULTS,
  RULE_KINDS,
  RULE_LIMITS,
  type Rule,
  type RuleKind,
  RulesFileSchema,
  type SustainedRule,
  type ThresholdRule,
  type ZScoreRule,
} from './rule-schema.ts';
