export { alertId, formatDuration, MAX_EVIDENCE_EVENTS } from './alert-factory.ts';
export type { EventRecord } from './condition.ts';
export type {
  Evaluation,
  EventRef,
  RuleEngineStats,
  RuleInput,
  RuleStats,
} from './engine-types.ts';
export {
  createRuleEngine,
  RULE_ENGINE_DEFAULTS,
  type RuleEngine,
  type RuleEngineOptions,
} from './rule-engine.ts';
