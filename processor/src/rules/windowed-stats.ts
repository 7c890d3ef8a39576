import type { Rule } from '@vigil/core/rules';
import type { RuleStats } from './engine-types.ts';
import type { KeyedStore } from './keyed-store.ts';

export const windowedStats = (
  rule: Rule,
  store: KeyedStore<unknown>,
  entries: number,
  lateEvents: number,
  alerts: number,
): RuleStats => ({
  ruleId: rule.id,
  kind: rule.kind,
  source: rule.source,
  keys: store.size,
  entries,
  lateEvents,
  evictions: store.evictions,
  demotions: store.demotions,
  expired: store.expired,
  alerts,
});
