import { SOURCES, type Source } from '@vigil/core';
import { RULE_KINDS, type Rule, type RuleKind } from '@vigil/core/rules';
import { compileCondition, type EventRecord, type Predicate } from './condition.ts';
import { keyValueOf } from './evaluator-env.ts';

/** Kinds that judge each event alone; every other kind keeps state per key over time. */
const PER_EVENT_KINDS: ReadonlySet<RuleKind> = new Set(['threshold', 'match']);
const WINDOWED_KINDS: ReadonlySet<RuleKind> = new Set(RULE_KINDS.filter((k) => !PER_EVENT_KINDS.has(k)));

export const isWindowed = (rule: Rule): boolean => WINDOWED_KINDS.has(rule.kind);

/**
 * One key space of windowed rules: a source and one key field, e.g. security by `userId`. Every event of
 * the source that has the field and that some rule of the space could use is copied to the repartition
 * topic keyed by the field's value, so that one partition, hence one processor, sees all of a key's events.
 * `rules` are the windowed rules keying by this field, each narrowed to `keyBy: [field]`: a rule keyed by
 * two fields is two independent key spaces already (RULES.md, count), so it lives in two spaces.
 */
export interface KeySpace {
  /** `security:userId`: names the space in the repartition header and in the engines of stage two. */
  id: string;
  source: Source;
  field: string;
  rules: readonly Rule[];
  /** Could any rule of the space use this event? A prefilter only: the rules check their conditions again. */
  relevant: Predicate;
}

export interface RepartitionPlan {
  /** Enabled rules that judge each event alone: evaluated where the event is read (stage one). */
  perEvent: readonly Rule[];
  /** Key spaces of the enabled windowed rules, by source: evaluated after repartitioning (stage two). */
  spaces: Readonly<Record<Source, readonly KeySpace[]>>;
  /** The same spaces by id. */
  byId: ReadonlyMap<string, KeySpace>;
}

const always: Predicate = () => true;

/** The events a windowed rule reads at all: its `where`, and for a sequence its leading or closing events. */
function relevanceOf(rule: Rule): Predicate {
  const where = rule.where ? compileCondition(rule.where) : always;
  if (rule.kind !== 'sequence') return where;
  const leading = compileCondition(rule.first);
  const closing = compileCondition(rule.followedBy);
  return (event) => where(event) && (leading(event) || closing(event));
}

const anyOf = (predicates: Predicate[]): Predicate =>
  predicates.includes(always)
    ? always
    : predicates.length === 1
      ? predicates[0]!
      : (event) => predicates.some((p) => p(event));

/** Splits the enabled rules into per-event rules and the key spaces of the windowed ones. */
export function planRepartition(rules: readonly Rule[]): RepartitionPlan {
  const perEvent: Rule[] = [];
  const grouped = new Map<string, { source: Source; field: string; rules: Rule[]; relevant: Predicate[] }>();
  for (const rule of rules) {
    if (!rule.enabled) continue;
    if (!isWindowed(rule)) {
      perEvent.push(rule);
      continue;
    }
    const relevant = relevanceOf(rule);
    for (const field of rule.keyBy) {
      const id = `${rule.source}:${field}`;
      let space = grouped.get(id);
      if (!space) {
        space = { source: rule.source, field, rules: [], relevant: [] };
        grouped.set(id, space);
      }
      space.rules.push({ ...rule, keyBy: [field] });
      space.relevant.push(relevant);
    }
  }
  const spaces = Object.fromEntries(SOURCES.map((s) => [s, [] as KeySpace[]])) as Record<Source, KeySpace[]>;
  const byId = new Map<string, KeySpace>();
  for (const [id, g] of grouped) {
    const space: KeySpace = {
      id,
      source: g.source,
      field: g.field,
      rules: g.rules,
      relevant: anyOf(g.relevant),
    };
    spaces[g.source].push(space);
    byId.set(id, space);
  }
  return { perEvent, spaces, byId };
}

/** The repartition copies one event needs: one per key space it is relevant to, with its key. */
export function copiesOf(
  spaces: readonly KeySpace[],
  event: EventRecord,
): { space: KeySpace; value: string; key: string }[] {
  const copies: { space: KeySpace; value: string; key: string }[] = [];
  for (const space of spaces) {
    const value = keyValueOf(event, space.field);
    if (value === null || !space.relevant(event)) continue;
    copies.push({ space, value, key: repartitionKey(space, value) });
  }
  return copies;
}

/** Bus key of a copy: the space and the key's value, so that a key's copies share one partition. */
export const repartitionKey = (space: KeySpace, value: string): string => `${space.id}=${value}`;
