import type { Condition } from '@vigil/core/rules';

/** An event as rules see it: top-level fields by name. */
export type EventRecord = Readonly<Record<string, unknown>>;
export type Predicate = (event: EventRecord) => boolean;

type Leaf = Extract<Condition, { field: string }>;

/** Quoted strings in alert messages are cut here: a 16 KiB log line does not belong in a title bar. */
const MAX_SHOWN_CHARS = 120;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Turns a validated condition into a closure tree, once per rule, so evaluation per event is a few property
 * reads and comparisons. A missing field never satisfies eq/in/gt/…/contains, and always satisfies ne/notIn.
 */
export function compileCondition(condition: Condition): Predicate {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition);
    if (parts.length === 1) return parts[0]!;
    return (event) => {
      for (const part of parts) if (!part(event)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition);
    return (event) => {
      for (const part of parts) if (part(event)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (event) => !inner(event);
  }
  return compileLeaf(condition);
}

function compileLeaf(leaf: Leaf): Predicate {
  const f = leaf.field;
  if (leaf.eq !== undefined) {
    const target = leaf.eq;
    return (e) => e[f] === target;
  }
  if (leaf.ne !== undefined) {
    const target = leaf.ne;
    return (e) => e[f] !== target;
  }
  if (leaf.in !== undefined) {
    const set = new Set<unknown>(leaf.in);
    return (e) => set.has(e[f]);
  }
  if (leaf.notIn !== undefined) {
    const set = new Set<unknown>(leaf.notIn);
    return (e) => !set.has(e[f]);
  }
  if (leaf.gt !== undefined) return numeric(f, leaf.gt, (v, t) => v > t);
  if (leaf.gte !== undefined) return numeric(f, leaf.gte, (v, t) => v >= t);
  if (leaf.lt !== undefined) return numeric(f, leaf.lt, (v, t) => v < t);
  if (leaf.lte !== undefined) return numeric(f, leaf.lte, (v, t) => v <= t);
  if (leaf.contains !== undefined) {
    const needle = leaf.contains;
    if (!leaf.caseInsensitive) return (e) => typeof e[f] === 'string' && (e[f] as string).includes(needle);
    // A case-insensitive regex scans without allocating a lower-cased copy of every message.
    const pattern = new RegExp(escapeRegExp(needle), 'i');
    return (e) => typeof e[f] === 'string' && pattern.test(e[f] as string);
  }
  if (leaf.exists !== undefined) {
    const wanted = leaf.exists;
    return (e) => (e[f] !== undefined && e[f] !== null) === wanted;
  }
  throw new Error(`condition on "${f}" has no operator (parseRules should have rejected it)`);
}

function numeric(f: string, target: number, compare: (value: number, target: number) => boolean): Predicate {
  return (e) => {
    const value = e[f];
    return typeof value === 'number' && compare(value, target);
  };
}

export const OP_SYMBOLS = { gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;

/** A value as shown in an alert message: numbers as they are, strings quoted and cut. */
export function showValue(value: unknown): string {
  if (typeof value !== 'string') return value === undefined ? 'missing' : String(value);
  const cut = value.length > MAX_SHOWN_CHARS ? `${value.slice(0, MAX_SHOWN_CHARS)}…` : value;
  return JSON.stringify(cut);
}

/**
 * Says why an event matched, with its actual values: `cpu 92 ≥ 80 and latencyMs 1530 > 1000`.
 * Only called when a rule fires, so it may allocate freely.
 */
export function describeCondition(condition: Condition, event: EventRecord): string {
  if ('all' in condition) return condition.all.map((c) => describeCondition(c, event)).join(' and ');
  if ('any' in condition) {
    const hit = condition.any.find((c) => compileCondition(c)(event));
    return describeCondition(hit ?? condition.any[0]!, event);
  }
  if ('not' in condition) return `not (${describeCondition(condition.not, event)})`;
  const f = condition.field;
  const actual = `${f} ${showValue(event[f])}`;
  if (condition.eq !== undefined) return `${f} = ${showValue(event[f])}`;
  if (condition.ne !== undefined) return `${actual} ≠ ${showValue(condition.ne)}`;
  if (condition.in !== undefined) return `${actual} in [${condition.in.join(', ')}]`;
  if (condition.notIn !== undefined) return `${actual} not in [${condition.notIn.join(', ')}]`;
  if (condition.contains !== undefined) {
    const how = condition.caseInsensitive ? 'contains (any case)' : 'contains';
    return `${actual} ${how} ${showValue(condition.contains)}`;
  }
  if (condition.exists !== undefined) return `${f} ${condition.exists ? 'present' : 'absent'}`;
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    const target = condition[op];
    if (target !== undefined) return `${actual} ${OP_SYMBOLS[op]} ${target}`;
  }
  return actual;
}

/** The condition itself, for messages about many events: `level in [ERROR, CRITICAL]`. */
export function conditionText(condition: Condition): string {
  if ('all' in condition) return condition.all.map(conditionText).join(' and ');
  if ('any' in condition) return `(${condition.any.map(conditionText).join(' or ')})`;
  if ('not' in condition) return `not (${conditionText(condition.not)})`;
  const f = condition.field;
  if (condition.eq !== undefined) return `${f} = ${showValue(condition.eq)}`;
  if (condition.ne !== undefined) return `${f} ≠ ${showValue(condition.ne)}`;
  if (condition.in !== undefined) return `${f} in [${condition.in.join(', ')}]`;
  if (condition.notIn !== undefined) return `${f} not in [${condition.notIn.join(', ')}]`;
  if (condition.contains !== undefined) return `${f} contains ${showValue(condition.contains)}`;
  if (condition.exists !== undefined) return `${f} ${condition.exists ? 'present' : 'absent'}`;
  for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
    const target = condition[op];
    if (target !== undefined) return `${f} ${OP_SYMBOLS[op]} ${target}`;
  }
  return f;
}
