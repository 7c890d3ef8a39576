import { ValidationError } from '@vigil/core';

/** A body that must be JSON, checked afterwards by a core validator (which names every problem by field). */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new ValidationError('body is not valid JSON', { cause: err, details: { parameter: 'body' } });
  }
}
