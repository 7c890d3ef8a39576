import type { Source } from '../events/sources.ts';
import { EVENT_FIELDS, type FieldInfo } from './event-fields.ts';
import { RULE_LIMITS } from './rule-schema.ts';

const COMBINATORS = ['all', 'any', 'not'] as const;
const OPERATORS = ['eq', 'ne', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists'] as const;
const LEAF_KEYS = new Set<string>(['field', 'caseInsensitive', ...OPERATORS]);

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));
const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/**
 * Checks a `where` condition against the fields of one source and appends one readable problem per mistake,
 * each prefixed with its path (`where.all[1].gt: ...`). Returns nothing: the caller decides what to throw.
 */
export function validateCondition(
  value: unknown,
  source: Source,
  path: string,
  problems: string[],
  depth = 1,
): void {
  if (!isObject(value)) {
    problems.push(`${path}: expected a condition object, got ${show(value)}`);
    return;
  }
  if (depth > RULE_LIMITS.maxConditionDepth) {
    problems.push(`${path}: conditions nest deeper than ${RULE_LIMITS.maxConditionDepth} levels`);
    return;
  }
  const combinator = COMBINATORS.find((c) => c in value);
  if (combinator) {
    const extra = Object.keys(value).filter((k) => k !== combinator);
    if (extra.length > 0)
      problems.push(`${path}: "${combinator}" cannot be combined with ${extra.join(', ')}`);
    const inner = value[combinator];
    if (combinator === 'not') {
      validateCondition(inner, source, `${path}.not`, problems, depth + 1);
    } else if (!Array.isArray(inner) || inner.length === 0) {
      problems.push(`${path}.${combinator}: expected a non-empty array of conditions`);
    } else {
      inner.forEach((c, i) => {
        validateCondition(c, source, `${path}.${combinator}[${i}]`, problems, depth + 1);
      });
    }
    return;
  }
  validateLeaf(value, source, path, problems);
}

function validateLeaf(leaf: Record<string, unknown>, source: Source, path: string, problems: string[]): void {
  for (const key of Object.keys(leaf)) {
    if (!LEAF_KEYS.has(key)) {
      problems.push(
        `${path}: unknown key "${key}" (expected field, one of ${OPERATORS.join('/')}, or all/any/not)`,
      );
    }
  }
  const fields = EVENT_FIELDS[source];
  const field = leaf.field;
  let info: FieldInfo | undefined;
  if (typeof field !== 'string') problems.push(`${path}.field: expected the name of a ${source} event field`);
  else {
    info = fields.get(field);
    if (!info)
      problems.push(
        `${path}.field: ${source} events have no field "${field}" (known: ${[...fields.keys()].join(', ')})`,
      );
  }
  const ops = OPERATORS.filter((op) => op in leaf);
  if (ops.length !== 1) {
    problems.push(
      `${path}: expected exactly one operator of ${OPERATORS.join('/')}, got ${ops.length === 0 ? 'none' : ops.join(', ')}`,
    );
    return;
  }
  const op = ops[0]!;
  const operand = leaf[op];
  const at = `${path}.${op}`;
  if ('caseInsensitive' in leaf && (op !== 'contains' || typeof leaf.caseInsensitive !== 'boolean')) {
    problems.push(`${path}.caseInsensitive: only a boolean beside "contains"`);
  }
  switch (op) {
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof operand !== 'number' || !Number.isFinite(operand))
        problems.push(`${at}: expected a number, got ${show(operand)}`);
      else if (info && info.type !== 'number')
        problems.push(`${at}: field "${field}" is a ${info.type}, not a number`);
      return;
    case 'contains':
      if (typeof operand !== 'string' || operand === '')
        problems.push(`${at}: expected a non-empty string, got ${show(operand)}`);
      else if (info && info.type !== 'string')
        problems.push(`${at}: field "${field}" is a ${info.type}, not a string`);
      return;
    case 'exists':
      if (typeof operand !== 'boolean') problems.push(`${at}: expected true or false, got ${show(operand)}`);
      return;
    case 'eq':
    case 'ne':
      checkValues([operand], info, field, at, problems);
      return;
    case 'in':
    case 'notIn':
      if (!Array.isArray(operand) || operand.length === 0 || operand.length > RULE_LIMITS.maxInValues) {
        problems.push(`${at}: expected a non-empty array of at most ${RULE_LIMITS.maxInValues} values`);
        return;
      }
      checkValues(operand, info, field, at, problems);
      return;
  }
}

function checkValues(
  values: unknown[],
  info: FieldInfo | undefined,
  field: unknown,
  at: string,
  problems: string[],
): void {
  for (const value of values) {
    if (!isScalar(value)) problems.push(`${at}: expected a string, number or boolean, got ${show(value)}`);
    else if (info && typeof value !== info.type)
      problems.push(`${at}: field "${field}" is a ${info.type}, got ${show(value)}`);
    else if (info?.values && !info.values.includes(String(value))) {
      problems.push(
        `${at}: ${show(value)} is not a possible value of "${field}" (${info.values.join(', ')})`,
      );
    }
  }
}
