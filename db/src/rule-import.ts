import { canonicalJson, parseRules, type StoredRule } from '@vigil/core/rules';
import type { ImportDiff } from './rule-store-port.ts';

export interface ImportPlan {
  diff: ImportDiff;
  /** The file's rules to write (added or changed), as given in the file. */
  puts: Record<string, unknown>[];
}

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What making `file` the whole rule set would change, by id: validated as a RULES_FILE is (parseRules: every
 * problem listed, duplicate ids refused), compared rule by rule as parsed (key order and written-out
 * defaults aside). Pure: the store applies the plan in one transaction.
 */
export function planImport(file: unknown, inForce: readonly StoredRule[]): ImportPlan {
  const parsed = parseRules(file);
  const value = typeof file === 'string' ? JSON.parse(file) : file; // parseRules accepted it
  const items = (value as { rules: Record<string, unknown>[] }).rules;
  const current = new Map(
    inForce.map((r) => [r.rule.id as string, canonicalJson(parseRules({ rules: [r.rule] })[0])]),
  );
  const diff: ImportDiff = { added: [], changed: [], removed: [], unchanged: [] };
  const puts: Record<string, unknown>[] = [];
  const inFile = new Set<string>();
  parsed.forEach((rule, i) => {
    inFile.add(rule.id);
    const was = current.get(rule.id);
    const list = was === undefined ? diff.added : was === canonicalJson(rule) ? diff.unchanged : diff.changed;
    list.push(rule.id);
    if (list !== diff.unchanged) puts.push(structuredClone(items[i]!));
  });
  for (const id of current.keys()) if (!inFile.has(id)) diff.removed.push(id);
  for (const list of Object.values(diff)) list.sort(byId);
  return { diff, puts };
}
