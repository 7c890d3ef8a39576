import type { Alert } from '@vigil/core';
import type { Rule, RuleVersionEntry, StoredRule, VersionedRule } from '@vigil/core/rules';

export type { RuleVersionEntry, StoredRule } from '@vigil/core/rules';

/** Who makes a change and when: the actor as the lifecycle records it (username, `token:<name>`, `system`). */
export interface RuleChangeContext {
  actor: string;
  /** Wall clock (ms) that stamps the version; default Date.now(). */
  now?: number;
}

export interface PutRuleResult {
  /** `unchanged`: the rule in force is the same rule (key order and defaults aside): no new version. */
  outcome: 'created' | 'replaced' | 'restored' | 'unchanged';
  stored: StoredRule;
}

export interface SetEnabledResult {
  outcome: 'enabled' | 'disabled' | 'unchanged';
  stored: StoredRule;
}

/** A whole rule set, as GET /api/rules/export gives it and import takes it: the RULES_FILE format. */
export interface RulesFile {
  version: 1;
  rules: Record<string, unknown>[];
}

/** What importing a set does (or would do, on a dry run), by rule id, each list in id order. */
export interface ImportDiff {
  added: string[];
  changed: string[];
  /** In force but not in the file: an import makes the file the whole set, so these are deleted. */
  removed: string[];
  unchanged: string[];
}

export interface ImportResult extends ImportDiff {
  /** False on a dry run: nothing was written. */
  applied: boolean;
}

/** Where the rules store's change feed stands: the highest version sequence number written so far (0: none). */
export type RuleChangeCursor = number;

export interface RaisedAlertsQuery {
  ruleId: string;
  /** Half-open range on the episode's first firing (event time). */
  from: Date;
  to: Date;
  /** Only episodes opened by this version of the rule; absent: every version. */
  ruleVersion?: number;
  /** Most episodes returned (oldest first); the caller asks for one more to learn it was cut. */
  limit: number;
}

/**
 * Rules as a managed resource (processor/RULES.md, "Managing rules"): the rules in force, one row per id,
 * and every version of each (who, when, what kind of change). Rules are validated at the door with core's
 * parseRule (ValidationError listing every problem by field); an unreachable database throws UnavailableError.
 * Writes are serialized (one advisory lock), so versions of one id never collide.
 */
export interface RuleStore {
  /** The rules in force (enabled or not), by id. */
  list(): Promise<StoredRule[]>;
  get(id: string): Promise<StoredRule | null>;
  /**
   * Creates or replaces a rule (its `id` names it). Same rule as in force: `unchanged`, no version. The same
   * rule as an earlier version (restoring one, or re-creating a deleted rule as it was): `restored`.
   */
  put(rule: unknown, context: RuleChangeContext): Promise<PutRuleResult>;
  /** Turns a rule on or off (a new version with `enabled` set); null when no rule has this id. */
  setEnabled(id: string, enabled: boolean, context: RuleChangeContext): Promise<SetEnabledResult | null>;
  /** Removes a rule from force (its history stays, version `deleted`); the rule as it was, or null. */
  delete(id: string, context: RuleChangeContext): Promise<StoredRule | null>;
  /** Every version of an id, newest first; empty when it never existed. */
  versions(id: string): Promise<RuleVersionEntry[]>;
  /**
   * On first start only (no version of any rule was ever written): stores `rules` as version 1 of each, by
   * `system`. Idempotent, and concurrent first starts tolerate each other (one seeds, the others see it).
   */
  seed(rules: readonly Rule[], now?: number): Promise<{ seeded: boolean; count: number }>;
  /** The whole set in force as one rules file (ids in order). */
  exportAll(): Promise<RulesFile>;
  /**
   * Makes `file` (RULES_FILE format, validated as parseRules does) the whole set: adds, replaces and deletes
   * so that what is in force is the file. `dryRun` only computes the diff. One transaction.
   */
  importSet(file: unknown, context: RuleChangeContext & { dryRun: boolean }): Promise<ImportResult>;
  /** The rules in force parsed for evaluation, defaults filled in, each with its version and enabled flag. */
  loadInForce(): Promise<VersionedRule[]>;
  /** The change feed's position: compare two readings to learn whether anything changed in between. */
  head(): Promise<RuleChangeCursor>;
  /** Episodes a rule opened in a range, oldest first (what a backtest compares itself with). */
  raisedAlerts(query: RaisedAlertsQuery): Promise<Alert[]>;
}
