import { UnavailableError, ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { describeRefusal, isInputRefusal } from './input-refusal.ts';

const withCode = (code: string, message = 'refused') => Object.assign(new Error(message), { code });
/** The shape the alert store rejects with: Drizzle's wrapper (statement and parameters) over pg's error. */
const drizzle = (cause: unknown) =>
  new Error('Failed query: insert into "alerts" ("id", …) values ($1, …)\nparams: a,b,c', { cause });

describe('isInputRefusal', () => {
  it.each([
    ['NUL in text (invalid byte sequence)', withCode('22021')],
    ['year 0000 (datetime field overflow)', withCode('22008')],
    ['NUL in jsonb (unsupported Unicode escape)', withCode('22P05')],
    ['a CHECK constraint', withCode('23514')],
    ['a NOT NULL constraint', withCode('23502')],
    ['a key too large for its index', withCode('54000')],
    ['the store refusing an alert that breaks the contract', new ValidationError('eventTime is not a date')],
    ['a refusal under the query wrapper', drizzle(withCode('23514'))],
  ])('is true for %s', (_label, err) => {
    expect(isInputRefusal(err)).toBe(true);
  });

  it.each([
    [
      'a TypeError (a bug in a rule or in our code)',
      new TypeError("Cannot read properties of undefined (reading 'x')"),
    ],
    ['a ReferenceError', new ReferenceError('x is not defined')],
    ['a SQL syntax error (our SQL is wrong)', drizzle(withCode('42601'))],
    ['an undefined column (schema drift)', withCode('42703')],
    ['an outage', new UnavailableError('PostgreSQL could not be reached')],
    ['a network error code', withCode('ECONNRESET')],
    ['a non-error', '23514'],
  ])('is false for %s', (_label, err) => {
    expect(isInputRefusal(err)).toBe(false);
  });
});

describe('describeRefusal', () => {
  it("gives the database's message and SQLSTATE, not the wrapper's statement and parameters", () => {
    const err = drizzle(withCode('23514', 'new row for relation "alerts" violates check constraint "x"'));
    expect(describeRefusal(err)).toBe(
      'new row for relation "alerts" violates check constraint "x" (SQLSTATE 23514)',
    );
  });

  it('keeps a reason to one bounded line', () => {
    const reason = describeRefusal(new ValidationError(`bad\nvalue ${'x'.repeat(1_000)}`));
    expect(reason).not.toMatch(/\n/);
    expect(reason.length).toBeLessThanOrEqual(300);
  });
});
