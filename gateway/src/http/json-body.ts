import type { Static, TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValidationError } from '@vigil/core';

export type BodyParser<S extends TSchema> = (body: Buffer) => Static<S>;

/**
 * A JSON request body checked against its TypeBox schema (the one the OpenAPI document shows): 400 naming
 * every offending field. `expected` says what the body should be, in the error message.
 */
export function jsonBodyParser<S extends TSchema>(schema: S, expected: string): BodyParser<S> {
  const compiled = TypeCompiler.Compile(schema);
  return (body) => {
    let value: unknown;
    try {
      value = JSON.parse(body.toString('utf8'));
    } catch (err) {
      throw new ValidationError('body is not valid JSON', { cause: err, details: { parameter: 'body' } });
    }
    if (compiled.Check(value)) return value;
    const problems = [...compiled.Errors(value)]
      .slice(0, 20)
      .map((e) => ({ field: e.path || '/', reason: e.message }));
    throw new ValidationError(`body must be ${expected}`, {
      details: { parameter: 'body', field: problems[0]?.field, reason: problems[0]?.reason, problems },
    });
  };
}
