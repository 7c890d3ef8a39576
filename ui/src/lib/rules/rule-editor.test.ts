import { describe, expect, it } from 'vitest';
import {
  draftOf,
  fieldsOf,
  newDraft,
  otherProblems,
  problemsFor,
  problemsOf,
  setField,
  textOf,
  valueFrom,
  withKind,
} from './rule-editor.ts';

const count = {
  id: 'logs.error-spike',
  title: 'Error spike',
  source: 'logs',
  severity: 'high',
  kind: 'count',
  where: { field: 'level', in: ['ERROR', 'CRITICAL'] },
  keyBy: ['service'],
  threshold: 20,
  windowMs: 180_000,
};

describe('rule editor', () => {
  it('derives each kind’s form from core’s schema, common fields first', () => {
    const fields = fieldsOf('count');
    expect(fields.slice(0, 4).map((f) => f.name)).toEqual(['id', 'title', 'source', 'severity']);
    expect(fields.find((f) => f.name === 'threshold')).toMatchObject({ kind: 'number', required: true });
    expect(fields.find((f) => f.name === 'where')).toMatchObject({ kind: 'condition', required: false });
    expect(fields.find((f) => f.name === 'keyBy')).toMatchObject({ kind: 'list' });
    expect(fields.find((f) => f.name === 'severity')?.choices).toContain('critical');
    expect(fieldsOf('threshold').find((f) => f.name === 'op')?.choices).toEqual(['gt', 'gte', 'lt', 'lte']);
    expect(fieldsOf('match').find((f) => f.name === 'where')?.required).toBe(true);
  });

  it('edits a rule from a GET without its read-only fields', () => {
    expect(draftOf({ ...count, version: 3, updatedBy: 'a', updatedAt: 'b' })).toEqual(count);
  });

  it('validates with core’s parser: every problem, by field, with the hints', () => {
    expect(problemsOf(count)).toEqual([]);
    const { windowMs: _, ...draft } = count;
    const problems = problemsOf({ ...draft, windowMS: 1, where: { field: 'level', in: ['CRITCAL'] } });
    const fields = fieldsOf('count');
    expect(problemsFor(problems, 'windowMs')).toEqual(['missing']);
    expect(problemsFor(problems, 'where')).toEqual([
      expect.stringContaining('where.in: "CRITCAL" is not a possible value'),
    ]);
    expect(otherProblems(problems, fields)).toEqual([
      'windowMS: not a field of count rules (did you mean "windowMs"?)',
    ]);
  });

  it('turns input text into values and back', () => {
    const [threshold, keyBy, where] = ['threshold', 'keyBy', 'where'].map(
      (n) => fieldsOf('count').find((f) => f.name === n)!,
    );
    expect(valueFrom(threshold!, ' 15 ')).toBe(15);
    expect(valueFrom(threshold!, '')).toBeUndefined();
    expect(valueFrom(keyBy!, 'service, host')).toEqual(['service', 'host']);
    expect(valueFrom(where!, '{"field":"level","eq":"ERROR"}')).toEqual({ field: 'level', eq: 'ERROR' });
    expect(() => valueFrom(where!, '{')).toThrow();
    expect(textOf(keyBy!, ['a', 'b'])).toBe('a, b');
    expect(setField(count, 'threshold', undefined)).not.toHaveProperty('threshold');
  });

  it('switching kind keeps the fields both kinds have', () => {
    expect(withKind(count, 'distinct')).toEqual({ ...count, kind: 'distinct' });
    expect(withKind(count, 'match')).not.toHaveProperty('windowMs');
    expect(newDraft('absence')).toMatchObject({ kind: 'absence', source: 'logs' });
  });
});
