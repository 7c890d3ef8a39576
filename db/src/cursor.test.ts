import { ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursor', () => {
  it('round-trips a position through an opaque url-safe string', () => {
    const position = { detectedAt: new Date('2030-01-02T03:04:05.678Z'), id: 'alert/é 1' };
    const cursor = encodeCursor(position);
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(decodeCursor(cursor)).toEqual(position);
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['an object', Buffer.from('{"t":1}').toString('base64url')],
    ['a non-canonical date', Buffer.from('["2030-01-02",  "a"]').toString('base64url')],
    ['too long', 'a'.repeat(3000)],
    // Dates JavaScript prints but PostgreSQL refuses or misreads, and an id PostgreSQL cannot compare.
    ['dated year 0', encode(['0000-01-01T00:00:00.000Z', 'a'])],
    ['dated before 1970', encode(['1969-12-31T23:59:59.999Z', 'a'])],
    ['dated a negative year', encode(['-000001-01-01T00:00:00.000Z', 'a'])],
    ['dated a six-digit year', encode(['+275760-09-13T00:00:00.000Z', 'a'])],
    ['dated beyond +275760', encode(['+275761-01-01T00:00:00.000Z', 'a'])],
    ['whose id holds U+0000', encode(['2030-01-02T03:04:05.678Z', 'a\u0000b'])],
  ])('rejects %s with ValidationError', (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationError);
  });
});
