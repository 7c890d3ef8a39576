import type { Condition, Rule } from '@vigil/core/rules';
import { formatDuration } from '../format/relative-time.ts';

type Json = Record<string, unknown>;

/** Fields shown in a rule's header rather than in its parameter list. */
const HEADER_FIELDS = new Set([
  'id',
  'title',
  'description',
  'kind',
  'source',
  'severity',
  'enabled',
  'where',
  '$comment',
  // What the rules store adds (GET /api/rules): shown in the card's header.
  'version',
  'updatedBy',
  'updatedAt',
]);

const OPS: Record<string, string> = { gt: '>', gte: '≥', lt: '<', lte: '≤', eq: '=', ne: '≠' };

const LABELS: Record<string, string> = {
  windowMs: 'Window',
  durationMs: 'Sustained for',
  bucketMs: 'Bucket',
  baselineMs: 'Baseline',
  maxGapMs: 'Max gap',
  resolveAfterMs: 'Resolves after',
  minSamples: 'Min samples',
  minBaselineBuckets: 'Min baseline buckets',
  keyBy: 'Per',
  op: 'Operator',
};

/** "minBaselineBuckets" → "Min baseline buckets" for fields this page does not know yet. */
const humanize = (key: string): string =>
  LABELS[key] ??
  key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/ (\w)/g, (m) => m.toLowerCase());

const scalar = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** A field's value for people: durations for *Ms, symbols for operators, lists joined. */
export function formatRuleValue(key: string, value: unknown): string {
  if (key.endsWith('Ms') && typeof value === 'number') return formatDuration(value);
  if (key === 'op' && typeof value === 'string') return OPS[value] ?? value;
  if (typeof value === 'number')
    return Math.abs(value) >= 10_000 ? value.toLocaleString('en-US') : String(value);
  if (Array.isArray(value)) return value.map(scalar).join(', ');
  if (typeof value === 'object' && value !== null) return JSON.stringify(value);
  return String(value);
}

/** A `where` condition as text: `level in ERROR, CRITICAL and message contains "failed"`. */
export function describeCondition(condition: Condition): string {
  if ('all' in condition) return condition.all.map(describeCondition).join(' and ');
  if ('any' in condition) return `(${condition.any.map(describeCondition).join(' or ')})`;
  if ('not' in condition) return `not (${describeCondition(condition.not)})`;
  const c: Json = condition;
  const field = String(c.field ?? '?');
  const parts: string[] = [];
  for (const [op, value] of Object.entries(c)) {
    if (op === 'field' || op === 'caseInsensitive') continue;
    if (op in OPS) parts.push(`${field} ${OPS[op]} ${scalar(value)}`);
    else if (op === 'in' || op === 'notIn')
      parts.push(`${field} ${op === 'in' ? 'in' : 'not in'} ${formatRuleValue(op, value)}`);
    else if (op === 'contains')
      parts.push(`${field} contains ${JSON.stringify(value)}${c.caseInsensitive ? ' (any case)' : ''}`);
    else if (op === 'exists') parts.push(`${field} ${value ? 'is present' : 'is absent'}`);
    else parts.push(`${field} ${op} ${scalar(value)}`);
  }
  return parts.join(' and ');
}

export interface RuleParam {
  key: string;
  label: string;
  value: string;
}

/** Every parameter of a rule (threshold, window, …) as label and text, whatever its kind. */
export function ruleParams(rule: Rule): RuleParam[] {
  return Object.entries(rule)
    .filter(([key, value]) => !HEADER_FIELDS.has(key) && value !== undefined && value !== null)
    .map(([key, value]) => ({ key, label: humanize(key), value: formatRuleValue(key, value) }));
}

/** The rule's firing condition in one line, built from its fields. */
export function ruleSummary(rule: Rule): string {
  const per = rule.keyBy.length > 0 ? ` per ${rule.keyBy.join(' or ')}` : '';
  const where = rule.where ? describeCondition(rule.where) : '';
  const ms = formatDuration;
  switch (rule.kind) {
    case 'threshold':
      return `${rule.field} ${OPS[rule.op]} ${rule.threshold}${where ? ` where ${where}` : ''}`;
    case 'match':
      return where;
    case 'count':
      return `≥ ${rule.threshold} events${where ? ` with ${where}` : ''}${per} within ${ms(rule.windowMs)}`;
    case 'sustained':
      return `${rule.field} ${OPS[rule.op]} ${rule.threshold} for ≥ ${ms(rule.durationMs)} (≥ ${rule.minSamples} samples)${per}`;
    case 'zscore':
      return `volume z-score > ${rule.threshold}${per}, per ${ms(rule.bucketMs)} against the last ${ms(rule.baselineMs)}`;
    case 'distinct':
      return `≥ ${rule.threshold} distinct ${rule.field}${where ? ` with ${where}` : ''}${per} within ${ms(rule.windowMs)}`;
    case 'sequence':
      return `≥ ${rule.threshold} × ${describeCondition(rule.first)}, then ${describeCondition(rule.followedBy)}${per} within ${ms(rule.windowMs)}`;
    case 'absence':
      return `no events${where ? ` with ${where}` : ''}${per} for ${ms(rule.durationMs)} after it was seen`;
  }
}
