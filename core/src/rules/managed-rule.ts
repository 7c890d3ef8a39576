import type { Rule } from './rule-schema.ts';

/**
 * Rules as a managed resource (processor/RULES.md, "Managing rules"): the shapes the rules store, the
 * gateway's `/api/rules` routes and the dashboard share. The rule itself keeps the file format of RULES.md;
 * versions, who changed it and when travel beside it.
 */

/** Rule ids: letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 128 characters. */
export const RULE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const isRuleId = (value: unknown): value is string =>
  typeof value === 'string' && RULE_ID_PATTERN.test(value);

/** What one version of a rule did to it. */
export const RULE_CHANGES = ['created', 'replaced', 'enabled', 'disabled', 'deleted', 'restored'] as const;
export type RuleChange = (typeof RULE_CHANGES)[number];

/** A rule as loaded for evaluation: the version it is at (file rules and the built-in defaults: 1). */
export type VersionedRule = Rule & { readonly version: number };

/** The version a loaded rule carries, 1 when it carries none (a rule read from a file). */
export const ruleVersionOf = (rule: Rule): number =>
  'version' in rule && typeof rule.version === 'number' ? rule.version : 1;

/** A rule with its version stamped on, frozen like parseRules' output. */
export const withRuleVersion = (rule: Rule, version: number): VersionedRule =>
  Object.freeze({ ...rule, version }) as VersionedRule;

/** One version of a rule, as `GET /api/rules/{id}/versions` lists it. */
export interface RuleVersionEntry {
  ruleId: string;
  /** 1, 2, …: one per change, never reused (a rule deleted and created again continues its numbering). */
  version: number;
  /** The rule as it was given (RULES.md format); for `deleted`, the rule as it was when deleted. */
  rule: Record<string, unknown>;
  change: RuleChange;
  /** `user:<name>`-style actor as the lifecycle records it (username, `token:<name>`, or `system`). */
  changedBy: string;
  /** ISO 8601. */
  changedAt: string;
}

/** A rule in force with what the store knows about it. */
export interface StoredRule {
  /** The rule as given (RULES.md format). */
  rule: Record<string, unknown>;
  version: number;
  enabled: boolean;
  updatedBy: string;
  /** ISO 8601. */
  updatedAt: string;
}

/**
 * JSON text of a value with object keys sorted at every depth: two rules that differ only in key order
 * are the same rule (an unchanged PUT makes no new version).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}
