import { describe, expect, it } from 'vitest';
import { createCursorCodec } from './cursor.ts';

describe('cursor codec', () => {
  const codec = createCursorCodec('k1');

  it('round-trips a position', () => {
    for (const next of [0, 1, 35, 36, 1_000_000, Number.MAX_SAFE_INTEGER]) {
      expect(codec.decode(codec.encode(next))).toEqual({ ok: true, next });
    }
  });

  it('orders cursors of one epoch lexically as their positions', () => {
    const positions = [0, 9, 10, 35, 36, 99, 100, 1295, 1296, 123_456_789, 2 ** 40];
    const cursors = positions.map((p) => codec.encode(p));
    expect([...cursors].sort()).toEqual(cursors);
  });

  it('is the same for the same position on every instance with the epoch', () => {
    expect(createCursorCodec('k1').encode(42)).toBe(codec.encode(42));
  });

  describe('decoding', () => {
    it('answers bad_request for text that is not a cursor', () => {
      for (const text of [
        '',
        'abc',
        'k1.',
        'k1.xyz',
        'k1.00000000000A1',
        'k 1.0000000000001',
        '.0000000000001',
      ]) {
        expect(codec.decode(text)).toMatchObject({ ok: false, code: 'bad_request' });
      }
    });

    it('answers bad_request for a position beyond 2^53', () => {
      expect(codec.decode('k1.zzzzzzzzzzzzz')).toMatchObject({ ok: false, code: 'bad_request' });
    });

    it('answers cursor_expired for a well-formed cursor of another epoch', () => {
      const other = createCursorCodec('m-20260101').encode(5);
      expect(codec.decode(other)).toMatchObject({ ok: false, code: 'cursor_expired' });
    });
  });

  it('refuses an epoch that would make cursors ambiguous', () => {
    expect(() => createCursorCodec('a.b')).toThrow(TypeError);
    expect(() => createCursorCodec('')).toThrow(TypeError);
  });
});
