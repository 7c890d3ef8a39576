import { describe, expect, it } from 'vitest';
import { compileTailFilter, messageMatches, searchTerms } from './tail-filter.ts';

const log = (fields: Record<string, unknown> = {}) => ({
  ts: '2030-01-01T00:00:00Z',
  service: 'payments',
  level: 'ERROR',
  host: 'web-1',
  message: 'Card declined by upstream (payments-gw)',
  ...fields,
});

describe('live tail filters', () => {
  describe('by field', () => {
    it('match everything when empty', () => {
      const all = compileTailFilter({});
      expect(all.matches('logs', log())).toBe(true);
      expect(all.matches('security', { ts: 'x', ip: '10.0.0.1', action: 'login_failure' })).toBe(true);
    });

    it('match any listed value of a field, and every listed field', () => {
      const f = compileTailFilter({ service: ['api', 'payments'], level: ['ERROR', 'CRITICAL'] });
      expect(f.matches('logs', log())).toBe(true);
      expect(f.matches('logs', log({ level: 'INFO' }))).toBe(false);
      expect(f.matches('logs', log({ service: 'search' }))).toBe(false);
    });

    it('need the field: an event without it does not match a listed one (as SQL NULL IN (…))', () => {
      const f = compileTailFilter({ userId: ['alice'] });
      expect(f.matches('logs', log())).toBe(false);
      expect(f.matches('logs', log({ userId: 'alice' }))).toBe(true);
      expect(f.matches('logs', log({ userId: 7 }))).toBe(false);
    });

    it('select sources', () => {
      const f = compileTailFilter({ source: ['metrics'] });
      expect(f.matches('logs', log())).toBe(false);
      expect(f.matches('metrics', { ts: 'x', service: 'payments', host: 'h', cpu: 1, latencyMs: 2 })).toBe(
        true,
      );
    });

    it('treat a value named like an Object property as any other', () => {
      const f = compileTailFilter({ service: ['constructor'] });
      expect(f.matches('logs', log())).toBe(false);
      expect(f.matches('logs', log({ service: 'constructor' }))).toBe(true);
      expect(compileTailFilter({ service: ['__proto__'] }).matches('logs', log())).toBe(false);
    });

    it('match nothing at all when the scope left nothing', () => {
      expect(compileTailFilter({ none: true, service: ['payments'] }).matches('logs', log())).toBe(false);
    });
  });

  describe('by text (q), as GET /api/events searches the message', () => {
    it('needs every word, words of 3+ letters as prefixes, shorter ones whole, any case', () => {
      expect(messageMatches('Card declined by upstream', searchTerms('decl CARD'))).toBe(true);
      expect(messageMatches('Card declined by upstream', searchTerms('declined refund'))).toBe(false);
      expect(messageMatches('Card declined by upstream', searchTerms('by'))).toBe(true);
      expect(messageMatches('Card declined bypass', searchTerms('by'))).toBe(false);
    });

    it('splits on anything but letters and digits, on both sides', () => {
      expect(messageMatches('login from 10.0.0.5 refused', searchTerms('10.0.0.5'))).toBe(true);
      expect(messageMatches('payments-gw timeout', searchTerms('gw'))).toBe(true);
      expect(searchTerms('a-b  a')).toEqual(['a', 'b']);
    });

    it('uses at most eight words, and none when q has none (the search is then not applied)', () => {
      expect(searchTerms('one two three four five six seven eight nine')).toHaveLength(8);
      expect(compileTailFilter({ q: '!!' }).matches('metrics', { ts: 'x' })).toBe(true);
    });

    it('needs a message: events of other sources do not match a search', () => {
      const f = compileTailFilter({ q: 'declined' });
      expect(f.matches('logs', log())).toBe(true);
      expect(f.matches('transactions', { ts: 'x', userId: 'u', amount: 1, currency: 'EUR' })).toBe(false);
    });
  });

  describe('keys', () => {
    it('are equal for filters that select the same events, whatever the order or repetition', () => {
      const a = compileTailFilter({ service: ['b', 'a'], level: ['ERROR'], q: 'Card declined' });
      const b = compileTailFilter({ level: ['ERROR', 'ERROR'], service: ['a', 'b'], q: 'declined card' });
      expect(a.key).toBe(b.key);
      expect(a.key).not.toBe(compileTailFilter({ service: ['a'] }).key);
      expect(compileTailFilter({ service: [] }).key).toBe(compileTailFilter({}).key);
    });
  });
});
