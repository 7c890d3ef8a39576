import { ValidationError } from '../errors/vigil-error.ts';

/** One problem of a channel or policy, by field path: `{field: "routes[0].groupWaitMs", reason: "…"}`. */
export interface FieldProblem {
  field: string;
  reason: string;
}

/** Collects problems while a value is checked; `throwIfAny` turns them into one ValidationError. */
export class FieldProblems {
  readonly list: FieldProblem[] = [];

  add(field: string, reason: string): void {
    this.list.push({ field, reason });
  }

  /** Throws a ValidationError whose `details.problems` lists every problem (the gateway's 400 details). */
  throwIfAny(what: string): void {
    if (this.list.length === 0) return;
    const summary = this.list.length === 1 ? '1 problem' : `${this.list.length} problems`;
    const text = this.list.map((p) => `${p.field || '(value)'}: ${p.reason}`).join('; ');
    throw new ValidationError(`invalid ${what} (${summary}): ${text}`, { details: { problems: this.list } });
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string the database stores as text: no U+0000 (PostgreSQL refuses it), at most `max` characters. */
export function checkText(
  problems: FieldProblems,
  field: string,
  value: unknown,
  options: { max: number; min?: number },
): value is string {
  if (typeof value !== 'string') {
    problems.add(field, 'expected a string');
    return false;
  }
  if (value.length < (options.min ?? 1)) problems.add(field, `at least ${options.min ?? 1} characters`);
  else if (value.length > options.max) problems.add(field, `at most ${options.max} characters`);
  else if (value.includes('\u0000')) problems.add(field, 'must not contain U+0000');
  else return true;
  return false;
}

/** Fields of `value` outside `known` are reported, so a typo (`groupWait`) is not silently ignored. */
export function checkKnownKeys(
  problems: FieldProblems,
  prefix: string,
  value: Record<string, unknown>,
  known: readonly string[],
): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      problems.add(prefix ? `${prefix}.${key}` : key, `unknown field (fields: ${known.join(', ')})`);
  }
}
