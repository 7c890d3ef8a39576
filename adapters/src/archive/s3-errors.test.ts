import { ERROR_CODES, UnavailableError, VigilError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { isS3NotFound, toS3ArchiveError } from './s3-errors.ts';

const context = {
  operation: 'PutObject',
  bucket: 'archive',
  endpoint: 'http://127.0.0.1:9000',
  key: 'raw/x',
};

/** The shape the AWS SDK gives its service errors. */
function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status, requestId: 'req-1' } });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:9000`), { code, $metadata: { attempts: 3 } });
}

describe('toS3ArchiveError', () => {
  describe('retriable (UnavailableError)', () => {
    it.each([
      ['a refused connection', networkError('ECONNREFUSED')],
      ['a reset connection', networkError('ECONNRESET')],
      ['an unknown host', networkError('ENOTFOUND')],
      ['a request timeout', Object.assign(new Error('timed out'), { name: 'TimeoutError' })],
      [
        'a refused happy-eyeballs connect',
        Object.assign(new AggregateError([networkError('ECONNREFUSED')]), {}),
      ],
      ['a 500', serviceError('InternalError', 500)],
      ['a 503 SlowDown', serviceError('SlowDown', 503)],
      ['a 429', serviceError('TooManyRequests', 429)],
      ['a throttling code on a 400', serviceError('Throttling', 400)],
      ['a missing bucket', serviceError('NoSuchBucket', 404)],
    ])('maps %s', (_label, err) => {
      const mapped = toS3ArchiveError(err, context);
      expect(mapped).toBeInstanceOf(UnavailableError);
      expect((mapped as UnavailableError).retriable).toBe(true);
      expect((mapped as UnavailableError).cause).toMatchObject({ name: err.name, message: err.message });
    });

    it('keeps the cause but drops the raw response, whose headers carry the signed Authorization', () => {
      const raw = Object.assign(serviceError('InternalError', 500), {
        $response: { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIA...' } },
      });
      const cause = (toS3ArchiveError(raw, context) as Error).cause as Record<string, unknown>;
      expect(cause).toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
      expect(cause.$response).toBeUndefined();
    });

    it('names the bucket and endpoint when HeadBucket finds no bucket', () => {
      const mapped = toS3ArchiveError(serviceError('NotFound', 404), { ...context, operation: 'HeadBucket' });
      expect(mapped).toBeInstanceOf(UnavailableError);
      expect((mapped as Error).message).toBe('S3 bucket "archive" not found at http://127.0.0.1:9000');
    });
  });

  describe('not retriable', () => {
    it('maps 403 to a config error naming operation, key, bucket and endpoint', () => {
      const mapped = toS3ArchiveError(serviceError('AccessDenied', 403), context) as VigilError;
      expect(mapped).toBeInstanceOf(VigilError);
      expect(mapped).not.toBeInstanceOf(UnavailableError);
      expect(mapped.retriable).toBe(false);
      expect(mapped.code).toBe(ERROR_CODES.config);
      expect(mapped.message).toBe(
        'S3 refused (403 AccessDenied): PutObject raw/x on bucket "archive" at http://127.0.0.1:9000',
      );
      expect(mapped.details).toMatchObject({ status: 403, s3Code: 'AccessDenied', requestId: 'req-1' });
    });

    it('maps other 4xx to an internal error', () => {
      const mapped = toS3ArchiveError(serviceError('KeyTooLongError', 400), context) as VigilError;
      expect(mapped.retriable).toBe(false);
      expect(mapped.code).toBe(ERROR_CODES.internal);
    });

    it('returns errors that are neither S3 nor network failures unchanged', () => {
      const bug = new TypeError('body.byteLength is not a number');
      expect(toS3ArchiveError(bug, context)).toBe(bug);
    });
  });
});

describe('isS3NotFound', () => {
  it('recognises NoSuchKey and a bare 404 NotFound, not a missing bucket', () => {
    expect(isS3NotFound(serviceError('NoSuchKey', 404))).toBe(true);
    expect(isS3NotFound(serviceError('NotFound', 404))).toBe(true);
    expect(isS3NotFound(serviceError('NoSuchBucket', 404))).toBe(false);
    expect(isS3NotFound(serviceError('AccessDenied', 403))).toBe(false);
    expect(isS3NotFound(null)).toBe(false);
  });
});
