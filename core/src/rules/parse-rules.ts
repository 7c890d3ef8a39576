import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { SEVERITIES } from '../alerts/alert.ts';
import { ValidationError } from '../errors/vigil-error.ts';
import { isSource, SOURCES, type Source } from '../events/sources.ts';
import { DEFAULT_KEY_FIELD } from './event-fields.ts';
import {
  COMPARE_OPS,
  RULE_DEFAULTS,
  RULE_KINDS,
  RULE_SCHEMAS,
  type Rule,
  type RuleKind,
} from './rule-schema.ts';
import { checkRuleSemantics } from './rule-semantics.ts';
import { validateCondition } from './validate-condition.ts';

type ErrorSource = Pick<TypeCheck<TSchema>, 'Errors'>;
// Compiled on first use, not at import (compiling uses `new Function`; see events/validate-event.ts). Where
// that is forbidden (the dashboard's CSP has no 'unsafe-eval': its rule editor validates with this parser),
// the schema is interpreted instead: the same errors, slower, which a rule or two per keystroke never notice.
const CHECKERS: Partial<Record<RuleKind, ErrorSource>> = {};
const checkerOf = (kind: RuleKind): ErrorSource =>
  (CHECKERS[kind] ??= compiledOrInterpreted(RULE_SCHEMAS[kind]));

function compiledOrInterpreted(schema: TSchema): ErrorSource {
  try {
    return TypeCompiler.Compile<TSchema>(schema);
  } catch (err) {
    if (!(err instanceof EvalError)) throw err;
    return { Errors: (value: unknown) => Value.Errors(schema, value) } as ErrorSource;
  }
}

// Literal unions make the schema validator say "Expected union value"; these say what is allowed instead.
const CHOICES: Record<string, readonly string[]> = { source: SOURCES, severity: SEVERITIES, op: COMPARE_OPS };
const FILE_KEYS = new Set(['$comment', 'version', 'rules']);
/** Fields holding a condition: validate-condition.ts checks them, with paths the schema validator cannot give. */
const CONDITION_FIELDS = ['where', 'first', 'followedBy'] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const show = (value: unknown): string => JSON.stringify(value) ?? String(value);
/** `/keyBy/0` → `keyBy[0]`. */
const readablePath = (pointer: string): string =>
  pointer
    .split('/')
    .filter(Boolean)
    .map((part, i) => (/^\d+$/.test(part) ? `[${part}]` : i === 0 ? part : `.${part}`))
    .join('');

/**
 * Validates a rules file (its JSON text or the parsed value) and returns the rules with defaults filled in.
 * Throws a ValidationError whose `details` lists every problem, each naming the rule and the field:
 * `rules[3] "logs.error-spike": windowMs: expected integer to be greater or equal to 1 (got 0)`.
 */
export function parseRules(input: unknown): Rule[] {
  const file = typeof input === 'string' ? parseJson(input) : input;
  const problems: string[] = [];
  if (!isObject(file) || !Array.isArray(file.rules)) {
    throw invalid(['expected an object {"version": 1, "rules": [...]}']);
  }
  for (const key of Object.keys(file))
    if (!FILE_KEYS.has(key)) problems.push(`unknown top-level key "${key}"`);
  if (file.version !== undefined && file.version !== 1)
    problems.push(`version: expected 1, got ${show(file.version)}`);

  const firstIndexById = new Map<string, number>();
  file.rules.forEach((item: unknown, index: number) => {
    const id = isObject(item) && typeof item.id === 'string' ? item.id : null;
    const label = id === null ? `rules[${index}]` : `rules[${index}] "${id}"`;
    const ruleProblems = checkRule(item);
    for (const problem of ruleProblems) problems.push(`${label}: ${problem}`);
    if (id === null) return;
    const first = firstIndexById.get(id);
    if (first === undefined) firstIndexById.set(id, index);
    else problems.push(`${label}: duplicate id (already used by rules[${first}])`);
  });
  if (problems.length > 0) throw invalid(problems);
  return file.rules.map((item) => Object.freeze(withDefaults(structuredClone(item))));
}

function checkRule(item: unknown): string[] {
  if (!isObject(item)) return [`expected a rule object, got ${show(item)}`];
  const kind = item.kind;
  if (!RULE_KINDS.includes(kind as RuleKind)) {
    const got = kind === undefined ? 'missing' : `unknown kind ${show(kind)}`;
    return [`kind: ${got} (expected one of ${RULE_KINDS.join(', ')})`];
  }
  const problems: string[] = [];
  const seenPaths = new Set<string>();
  // Conditions of this kind get their own, more specific checker below; elsewhere the field is unknown.
  const conditions = CONDITION_FIELDS.filter((f) => f in RULE_SCHEMAS[kind as RuleKind].properties);
  for (const error of checkerOf(kind as RuleKind).Errors(item)) {
    // One message per field.
    if (seenPaths.has(error.path) || conditions.some((f) => error.path.startsWith(`/${f}/`))) continue;
    seenPaths.add(error.path);
    if (conditions.some((f) => error.path === `/${f}` && item[f] !== undefined)) continue;
    const path = readablePath(error.path);
    const choices = CHOICES[path];
    if (choices && error.value !== undefined) {
      problems.push(`${path}: expected one of ${choices.join(', ')}, got ${show(error.value)}`);
    } else if (error.value === undefined) {
      problems.push(`${path}: missing`);
    } else if (error.message === 'Unexpected property') {
      problems.push(`${path}: not a field of ${kind} rules${suggest(kind as RuleKind, path)}`);
    } else {
      problems.push(`${path}: ${error.message.replace(/^Expected/, 'expected')} (got ${show(error.value)})`);
    }
  }
  const source = item.source;
  if (!isSource(source)) return problems;
  for (const field of conditions) {
    if (item[field] !== undefined) validateCondition(item[field], source, field, problems);
  }
  checkRuleSemantics(item, source, problems);
  return problems;
}

/** One problem of one rule, by field: `{field: "windowMs", reason: "missing"}` (field "" for the whole rule). */
export interface RuleProblem {
  field: string;
  reason: string;
}

/** `windowMs: missing` → {field: "windowMs", reason: "missing"}; a problem without a path names no field. */
const byField = (problem: string): RuleProblem => {
  const at = problem.indexOf(': ');
  const field = at === -1 ? '' : problem.slice(0, at);
  return /^[$A-Za-z][\w.[\]$]*$/.test(field)
    ? { field, reason: problem.slice(at + 2) }
    : { field: '', reason: problem };
};

/**
 * Validates one rule (the object of a rules file's `rules` array, as `PUT /api/rules/{id}` takes it) and
 * returns it with defaults filled in. Throws a ValidationError whose `details.problems` lists every problem
 * by field, with the same words and "did you mean" hints as parseRules:
 * `[{field: "windowMS", reason: 'not a field of count rules (did you mean "windowMs"?)'}]`.
 */
export function parseRule(input: unknown): Rule {
  const problems = checkRule(input);
  if (problems.length > 0) {
    const summary = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    throw new ValidationError(`invalid rule (${summary}): ${problems.join('; ')}`, {
      details: { problems: problems.map(byField) },
    });
  }
  return Object.freeze(withDefaults(structuredClone(input as Record<string, unknown>)));
}

/** `windowMS` → ` (did you mean "windowMs"?)`. */
function suggest(kind: RuleKind, name: string): string {
  const known = Object.keys(RULE_SCHEMAS[kind].properties);
  const near = known.find((k) => k.toLowerCase() === name.toLowerCase());
  return near ? ` (did you mean "${near}"?)` : ` (fields: ${known.join(', ')})`;
}

/**
 * The default `resolveAfterMs` of a rule that names none: its window (count, distinct and sequence
 * `windowMs`, sustained and absence `durationMs`, z-score `bucketMs`), at least RULE_DEFAULTS.minResolveAfterMs.
 */
export function defaultResolveAfterMs(rule: Record<string, unknown>): number {
  const window = [rule.windowMs, rule.durationMs, rule.kind === 'zscore' ? rule.bucketMs : undefined].find(
    (v): v is number => typeof v === 'number',
  );
  return Math.max(window ?? 0, RULE_DEFAULTS.minResolveAfterMs);
}

function withDefaults(item: Record<string, unknown>): Rule {
  const source = item.source as Source;
  const rule: Record<string, unknown> = {
    ...item,
    enabled: item.enabled ?? true,
    keyBy: item.keyBy ?? [DEFAULT_KEY_FIELD[source]],
    resolveAfterMs: item.resolveAfterMs ?? defaultResolveAfterMs(item),
  };
  if (rule.kind === 'sustained') return { ...rule, maxGapMs: item.maxGapMs ?? item.durationMs } as Rule;
  if (rule.kind === 'zscore') {
    const { bucketMs, minBaselineBuckets } = RULE_DEFAULTS;
    return {
      ...rule,
      bucketMs: item.bucketMs ?? bucketMs,
      minBaselineBuckets: item.minBaselineBuckets ?? minBaselineBuckets,
    } as Rule;
  }
  return rule as Rule;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalid([`not valid JSON: ${(err as Error).message}`]);
  }
}

function invalid(problems: string[]): ValidationError {
  const summary = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new ValidationError(`invalid rules (${summary}): ${problems.join('; ')}`, { details: problems });
}
