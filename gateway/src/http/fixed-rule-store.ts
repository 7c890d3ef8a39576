import { UnavailableError } from '@vigil/core';
import { type Rule, ruleVersionOf, type StoredRule } from '@vigil/core/rules';
import type { HttpRuleStore } from './rules-routes.ts';

const readOnly = async (): Promise<never> => {
  throw new UnavailableError('rules are read-only here: this gateway has no rules store');
};

/**
 * The rules routes over a fixed set (a gateway built without a rules store: benchmarks, some tests):
 * reads answer from the set, each rule at its version (1 from a file), writes answer 503.
 */
export function fixedRuleStore(rules: readonly Rule[], loadedAt: number): HttpRuleStore {
  const stored = rules.map(
    (rule): StoredRule => ({
      rule: { ...rule },
      version: ruleVersionOf(rule),
      enabled: rule.enabled !== false,
      updatedBy: 'system',
      updatedAt: new Date(loadedAt).toISOString(),
    }),
  );
  const byId = new Map(stored.map((s) => [s.rule.id as string, s]));
  return {
    list: async () => stored,
    get: async (id) => byId.get(id) ?? null,
    versions: async (id) => {
      const s = byId.get(id);
      return s
        ? [
            {
              ruleId: id,
              version: s.version,
              rule: s.rule,
              change: 'created',
              changedBy: 'system',
              changedAt: s.updatedAt,
            },
          ]
        : [];
    },
    exportAll: async () => ({ version: 1, rules: stored.map((s) => s.rule) }),
    raisedAlerts: async () => [],
    put: readOnly,
    setEnabled: readOnly,
    delete: readOnly,
    importSet: readOnly,
  };
}
