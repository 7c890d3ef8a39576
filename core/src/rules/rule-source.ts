import type { VersionedRule } from './managed-rule.ts';

/**
 * Where a runnable gets the rules it evaluates or shows: a fixed set (RULES_FILE or the built-in defaults,
 * every rule at version 1) or the rules store (each rule at its stored version). The processor loads once
 * at start; `subscribe` is the seam for reloading without a restart (issue 16, "Hot reload"): a source
 * calls `onChange` with the whole enabled-or-not set in force after every change it sees, in order.
 */
export interface RuleSource {
  /** The rules in force now, disabled ones included (the engine skips them). */
  load(): Promise<VersionedRule[]>;
  /**
   * Calls `onChange` with the rules in force after each change (a fixed source never calls it). Returns
   * the unsubscribe function; `onChange` errors are the source's to log, never thrown at the caller.
   */
  subscribe(onChange: (rules: VersionedRule[]) => void): () => void;
}
