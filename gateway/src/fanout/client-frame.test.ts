import { describe, expect, it } from 'vitest';
import { MAX_VALUES_PER_FIELD, parseClientFrame } from './client-frame.ts';

const code = (text: string) => {
  const parsed = parseClientFrame(text);
  return parsed.ok ? 'ok' : parsed.code;
};

describe('parseClientFrame', () => {
  describe('accepts', () => {
    it('ping and unsubscribe', () => {
      expect(parseClientFrame('{"op":"ping"}')).toEqual({ ok: true, frame: { op: 'ping' } });
      expect(parseClientFrame('{"op":"unsubscribe"}')).toEqual({ ok: true, frame: { op: 'unsubscribe' } });
    });

    it('subscribe with no filter, a full filter, and since', () => {
      expect(parseClientFrame('{"op":"subscribe"}')).toEqual({ ok: true, frame: { op: 'subscribe' } });
      const filter = {
        severity: ['high', 'critical'],
        source: ['logs'],
        service: ['payments'],
        ruleId: ['r.1'],
      };
      expect(
        parseClientFrame(JSON.stringify({ op: 'subscribe', filter, since: 'k1.0000000000001' })),
      ).toEqual({
        ok: true,
        frame: { op: 'subscribe', filter, since: 'k1.0000000000001' },
      });
    });

    it('null fields as absent and unknown top-level fields', () => {
      expect(parseClientFrame('{"op":"subscribe","filter":null,"since":null,"requestId":7}')).toEqual({
        ok: true,
        frame: { op: 'subscribe' },
      });
    });
  });

  describe('answers bad_request for', () => {
    it.each([
      ['garbage', 'not json at all'],
      ['a non-object', '[1,2]'],
      ['a string', '"subscribe"'],
      ['no op', '{}'],
      ['an unknown op', '{"op":"publish"}'],
      ['a filter that is not an object', '{"op":"subscribe","filter":[]}'],
      ['an unknown filter field', '{"op":"subscribe","filter":{"host":["a"]}}'],
      ['filter values that are not an array', '{"op":"subscribe","filter":{"severity":"high"}}'],
      ['non-string values', '{"op":"subscribe","filter":{"service":[1]}}'],
      ['an unknown severity', '{"op":"subscribe","filter":{"severity":["urgent"]}}'],
      ['an unknown source', '{"op":"subscribe","filter":{"source":["email"]}}'],
      ['an empty service', '{"op":"subscribe","filter":{"service":[""]}}'],
      ['a cursor that is not a string', '{"op":"subscribe","since":5}'],
      ['an empty cursor', '{"op":"subscribe","since":""}'],
      ['an overlong cursor', `{"op":"subscribe","since":"${'a'.repeat(200)}"}`],
    ])('%s', (_, text) => {
      expect(code(text)).toBe('bad_request');
    });

    it('with a message naming the problem', () => {
      const parsed = parseClientFrame('{"op":"subscribe","filter":{"severity":["urgent"]}}');
      expect(!parsed.ok && parsed.message).toMatch(/severity.*urgent/);
    });
  });

  describe('answers too_many_values', () => {
    it('past the per-field limit', () => {
      const service = Array.from({ length: MAX_VALUES_PER_FIELD + 1 }, (_, i) => `s${i}`);
      expect(code(JSON.stringify({ op: 'subscribe', filter: { service } }))).toBe('too_many_values');
    });

    it('at the per-field limit is still fine', () => {
      const service = Array.from({ length: MAX_VALUES_PER_FIELD }, (_, i) => `s${i}`);
      expect(code(JSON.stringify({ op: 'subscribe', filter: { service } }))).toBe('ok');
    });
  });
});
