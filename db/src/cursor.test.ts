import { ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';

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
  ])('rejects %s with ValidationError', (_label, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ValidationError);
  });
});
