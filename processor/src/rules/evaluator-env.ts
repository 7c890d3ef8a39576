import type { Alert } from '@vigil/core';
import type { CompareOp, Rule } from '@vigil/core/rules';
import type { AlertDraft } from './alert-factory.ts';
import type { EventRecord } from './condition.ts';

/** What the engine hands each evaluator: limits and a way to turn a decision into an alert. */
export interface EvaluatorEnv {
  maxKeysPerRule: number;
  allowedLatenessMs: number;
  maxFutureSkewMs: number;
  emit(rule: Rule, draft: AlertDraft): Alert;
}

export const COMPARE: Readonly<Record<CompareOp, (value: number, threshold: number) => boolean>> = {
  gt: (v, t) => v > t,
  gte: (v, t) => v >= t,
  lt: (v, t) => v < t,
  lte: (v, t) => v <= t,
};

/** A key field's value as a string, or null when the event lacks it (the event then has no such key). */
export function keyValueOf(event: EventRecord, field: string): string | null {
  const value = event[field];
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

/**
 * The map key of one key field's value. Single-field rules use the value itself (no string built per
 * event); rules with several key fields keep one key space per field inside the same store.
 */
export const mapKeyOf = (fieldIndex: number, value: string, fieldCount: number): string =>
  fieldCount === 1 ? value : `${fieldIndex}\u0000${value}`;
