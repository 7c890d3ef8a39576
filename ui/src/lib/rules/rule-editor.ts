import type { TSchema } from '@sinclair/typebox';
import { parseRule, RULE_KINDS, RULE_SCHEMAS, type RuleKind, type RuleProblem } from '@vigil/core/rules';

/**
 * The rule editor's logic (routes/rules/edit): the form of each kind is derived from core's rule schema, the
 * JSON beside it is the same object, and validation is core's parseRule, so the editor says exactly what
 * `PUT /api/rules/{id}` would answer, with the same "did you mean" hints.
 */

export type Draft = Record<string, unknown>;
export type FieldKind = 'number' | 'text' | 'choice' | 'list' | 'condition' | 'boolean';

export interface EditorField {
  name: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  choices?: readonly string[];
  description?: string;
}

/** Fields a GET answers beside the rule's own; the editor never sends them. */
const READ_ONLY = ['version', 'updatedBy', 'updatedAt'];
const CONDITIONS = new Set(['where', 'first', 'followedBy']);
/** Shown first, in this order; the kind's own fields follow in schema order. */
const COMMON = ['id', 'title', 'source', 'severity', 'enabled', 'description'];
const SKIPPED = new Set(['kind', '$comment']);

const LABELS: Record<string, string> = {
  id: 'Id',
  keyBy: 'Key by (comma-separated fields)',
  windowMs: 'Window (ms)',
  durationMs: 'Duration (ms)',
  bucketMs: 'Bucket (ms)',
  baselineMs: 'Baseline (ms)',
  maxGapMs: 'Max gap (ms)',
  resolveAfterMs: 'Resolve after (ms)',
  minSamples: 'Min samples',
  minBaselineBuckets: 'Min baseline buckets',
  op: 'Operator',
  where: 'Where (condition JSON)',
  first: 'First (condition JSON)',
  followedBy: 'Followed by (condition JSON)',
};
const labelOf = (name: string) => LABELS[name] ?? name.charAt(0).toUpperCase() + name.slice(1);

function kindOf(name: string, schema: TSchema): FieldKind {
  if (CONDITIONS.has(name)) return 'condition';
  const s = schema as { type?: string; anyOf?: { const?: unknown }[] };
  if (s.anyOf?.every((branch) => typeof branch.const === 'string')) return 'choice';
  if (s.type === 'integer' || s.type === 'number') return 'number';
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'array') return 'list';
  return 'text';
}

/** The form of a kind, from its schema: the common fields first, then the kind's own. */
export function fieldsOf(kind: RuleKind): EditorField[] {
  const schema = RULE_SCHEMAS[kind] as unknown as {
    properties: Record<string, TSchema>;
    required?: string[];
  };
  const names = Object.keys(schema.properties).filter((n) => !SKIPPED.has(n));
  const ordered = [...COMMON.filter((n) => names.includes(n)), ...names.filter((n) => !COMMON.includes(n))];
  return ordered.map((name) => {
    const property = schema.properties[name]!;
    const anyOf = (property as { anyOf?: { const?: string }[] }).anyOf;
    return {
      name,
      label: labelOf(name),
      kind: kindOf(name, property),
      required: schema.required?.includes(name) ?? false,
      ...(anyOf ? { choices: anyOf.map((b) => b.const ?? '') } : {}),
      ...(typeof property.description === 'string' ? { description: property.description } : {}),
    };
  });
}

/** The rule as the editor edits it: what a GET answered, without its read-only fields. */
export function draftOf(rule: Record<string, unknown>): Draft {
  const draft: Draft = structuredClone(rule);
  for (const field of READ_ONLY) delete draft[field];
  return draft;
}

/** A new rule of a kind: the fields every rule has, for the author to fill in. */
export function newDraft(kind: RuleKind = 'threshold'): Draft {
  return { id: '', title: '', source: 'logs', severity: 'medium', kind };
}

/** The same rule as another kind: the fields both kinds have are kept, the others dropped. */
export function withKind(draft: Draft, kind: RuleKind): Draft {
  const known = new Set(Object.keys(RULE_SCHEMAS[kind].properties));
  return Object.fromEntries(
    Object.entries({ ...draft, kind }).filter(([name]) => known.has(name) || name === 'kind'),
  );
}

/** A form input's text as the field's value: undefined (left out) when empty. */
export function valueFrom(field: EditorField, text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  switch (field.kind) {
    case 'number': {
      const n = Number(trimmed);
      return Number.isFinite(n) ? n : trimmed; // the parser names a field that is not a number
    }
    case 'list':
      return trimmed
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    case 'condition':
      return JSON.parse(trimmed) as unknown; // the caller shows a syntax error beside the field
    default:
      return trimmed;
  }
}

/** A field's value as its input shows it. */
export function textOf(field: EditorField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (field.kind === 'list' && Array.isArray(value)) return value.join(', ');
  if (field.kind === 'condition') return JSON.stringify(value, null, 2);
  return String(value);
}

/** Sets one field of the draft (undefined removes it); a new object, so the page redraws. */
export function setField(draft: Draft, name: string, value: unknown): Draft {
  const next = { ...draft };
  if (value === undefined) delete next[name];
  else next[name] = value;
  return next;
}

/** Every problem core's parser finds in the draft, by field; empty when PUT would accept it. */
export function problemsOf(draft: Draft): RuleProblem[] {
  try {
    parseRule(draft);
    return [];
  } catch (err) {
    const details = (err as { details?: { problems?: RuleProblem[] } }).details;
    return details?.problems ?? [{ field: '', reason: (err as Error).message }];
  }
}

/** The problems of one form field (`where.all[0].field` belongs to `where`). */
export function problemsFor(problems: readonly RuleProblem[], name: string): string[] {
  return problems
    .filter((p) => p.field === name || p.field.startsWith(`${name}.`) || p.field.startsWith(`${name}[`))
    .map((p) => (p.field === name ? p.reason : `${p.field}: ${p.reason}`));
}

/** Problems no form field shows (unknown fields, the whole rule): listed under the form. */
export function otherProblems(problems: readonly RuleProblem[], fields: readonly EditorField[]): string[] {
  const names = fields.map((f) => f.name);
  return problems
    .filter((p) => !names.some((n) => problemsFor([p], n).length > 0))
    .map((p) => (p.field ? `${p.field}: ${p.reason}` : p.reason));
}

export const isRuleKind = (value: unknown): value is RuleKind => RULE_KINDS.includes(value as RuleKind);

/** The last 24 h the editor backtests, as the API's range. */
export function lastDay(now: number): { from: string; to: string } {
  return { from: new Date(now - 86_400_000).toISOString(), to: new Date(now).toISOString() };
}
