import type { Source } from '../events/sources.ts';
import { EVENT_FIELDS } from './event-fields.ts';
import { RULE_DEFAULTS, RULE_LIMITS } from './rule-schema.ts';

/**
 * Checks what a schema cannot: that named fields exist in the rule's source and have the right type, that a
 * distinct rule does not count its own key field, and that z-score buckets tile the baseline. Runs after the shape check; fields with a wrong type are skipped
 * here because the shape check has already reported them.
 */
export function checkRuleSemantics(rule: Record<string, unknown>, source: Source, problems: string[]): void {
  const fields = EVENT_FIELDS[source];
  const known = () => [...fields.keys()].join(', ');

  if (Array.isArray(rule.keyBy)) {
    rule.keyBy.forEach((name: unknown, i: number) => {
      if (typeof name === 'string' && !fields.has(name)) {
        problems.push(`keyBy[${i}]: ${source} events have no field "${name}" (known: ${known()})`);
      }
    });
  }

  if ((rule.kind === 'threshold' || rule.kind === 'sustained') && typeof rule.field === 'string') {
    const info = fields.get(rule.field);
    if (!info) problems.push(`field: ${source} events have no field "${rule.field}" (known: ${known()})`);
    else if (info.type !== 'number') problems.push(`field: "${rule.field}" is a ${info.type}, not a number`);
  }

  if (rule.kind === 'distinct' && typeof rule.field === 'string') {
    if (!fields.has(rule.field)) {
      problems.push(`field: ${source} events have no field "${rule.field}" (known: ${known()})`);
    } else if (Array.isArray(rule.keyBy) && rule.keyBy.includes(rule.field)) {
      problems.push(`field: "${rule.field}" is a key field: each key has one value of it, never more`);
    }
  }

  if (rule.kind === 'zscore') {
    const bucketMs = typeof rule.bucketMs === 'number' ? rule.bucketMs : RULE_DEFAULTS.bucketMs;
    const minBuckets =
      typeof rule.minBaselineBuckets === 'number'
        ? rule.minBaselineBuckets
        : RULE_DEFAULTS.minBaselineBuckets;
    if (typeof rule.baselineMs !== 'number') return;
    const buckets = rule.baselineMs / bucketMs;
    if (!Number.isInteger(buckets)) {
      problems.push(`baselineMs: ${rule.baselineMs} is not a multiple of bucketMs ${bucketMs}`);
    } else if (buckets > RULE_LIMITS.maxBaselineBuckets) {
      problems.push(`baselineMs: ${buckets} buckets exceed the limit of ${RULE_LIMITS.maxBaselineBuckets}`);
    } else if (buckets < minBuckets) {
      problems.push(`minBaselineBuckets: ${minBuckets} is more than the ${buckets} buckets of the baseline`);
    }
  }
}
