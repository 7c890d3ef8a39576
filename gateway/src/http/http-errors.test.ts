import { ERROR_CODES, TimeoutError, UnavailableError, ValidationError, VigilError } from '@vigil/core';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { CursorExpiredError } from '../live/live-types.ts';
import { errorResponse, HttpError } from './http-errors.ts';
import { bodyJson } from './testing/request.ts';

const logger = pino({ level: 'silent' });
const context = { method: 'GET', path: '/api/alerts', retryAfterSeconds: 5 };
const respond = (err: unknown) => errorResponse(err, logger, context);

describe('errorResponse', () => {
  it('validation_failed → 400 with message and details', () => {
    const response = respond(new ValidationError('bad from', { details: { param: 'from' } }));
    expect(response.status).toBe(400);
    expect(bodyJson(response)).toEqual({ error: 'bad from', details: { param: 'from' } });
  });

  it('not_found → 404', () => {
    const response = respond(new VigilError(ERROR_CODES.notFound, 'no alert a1'));
    expect(response.status).toBe(404);
    expect(bodyJson(response)).toEqual({ error: 'no alert a1' });
  });

  it('conflict → 409', () => {
    const response = respond(new VigilError(ERROR_CODES.conflict, 'changed meanwhile'));
    expect(response.status).toBe(409);
    expect(bodyJson(response)).toEqual({ error: 'changed meanwhile' });
  });

  it.each([
    ['dependency_unavailable', new UnavailableError('PostgreSQL at db:5432 could not be reached')],
    ['timeout', new TimeoutError('no answer from db:5432 within 2000 ms')],
  ])('%s → 503 with retry-after, the reason kept out of the body', (_code, err) => {
    const response = respond(err);
    expect(response.status).toBe(503);
    expect(response.headers?.['retry-after']).toBe('5');
    expect(bodyJson(response)).toEqual({
      error: 'service unavailable, retry later',
      details: { retryAfterSeconds: 5 },
    });
  });

  it('HttpError → its own status, details and headers, whatever its code', () => {
    const response = respond(
      new HttpError(405, 'method DELETE is not allowed here', { headers: { allow: 'GET' } }),
    );
    expect(response.status).toBe(405);
    expect(response.headers?.allow).toBe('GET');
    expect(bodyJson(response)).toEqual({ error: 'method DELETE is not allowed here' });
    expect(respond(new HttpError(413, 'too many', { details: { max: 1 } })).status).toBe(413);
  });

  it.each([
    ['internal', new VigilError(ERROR_CODES.internal, 'a bug')],
    ['config_invalid', new VigilError(ERROR_CODES.config, 'bad PORT')],
    ['a plain Error', new Error('x is undefined')],
  ])('%s → a bare 500', (_what, err) => {
    const response = respond(err);
    expect(response.status).toBe(500);
    expect(bodyJson(response)).toEqual({ error: 'internal error' });
  });
});

describe('the gateway errors are VigilErrors', () => {
  it('HttpError: not_found for a 404, validation_failed for another refused request, never retriable', () => {
    expect(new HttpError(404, 'not found')).toMatchObject({ code: ERROR_CODES.notFound, retriable: false });
    expect(new HttpError(405, 'wrong method')).toBeInstanceOf(VigilError);
    expect(new HttpError(413, 'too many')).toMatchObject({ code: ERROR_CODES.validation, retriable: false });
  });

  it('CursorExpiredError: not_found, never retriable (no retry brings deleted records back)', () => {
    const err = new CursorExpiredError('gone');
    expect(err).toBeInstanceOf(VigilError);
    expect(err).toMatchObject({ code: ERROR_CODES.notFound, retriable: false, name: 'CursorExpiredError' });
  });
});
