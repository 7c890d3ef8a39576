import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS } from './event-schemas.ts';
import { decodeEvent, validateEvent } from './validate-event.ts';

const ts = '2026-11-21T14:03:05.123Z';
const valid = {
  logs: { ts, service: 'payments', level: 'ERROR', message: 'charge failed', userId: 'u1' },
  metrics: { ts, service: 'payments', host: 'pay-1', cpu: 81.5, latencyMs: 1200 },
  transactions: { ts, userId: 'u1', amount: 10_000.01, currency: 'EUR', country: 'DE' },
  security: { ts, ip: '10.0.0.7', action: 'login_failure', userId: 'u1' },
} as const;

describe('validateEvent', () => {
  describe('accepts the contract of each source', () => {
    for (const [source, event] of Object.entries(valid)) {
      it(source, () => {
        expect(validateEvent(source as keyof typeof valid, event)).toEqual({ ok: true, value: event });
      });
    }
    it('keeps unknown extra fields (forward compatible producers)', () => {
      expect(validateEvent('logs', { ...valid.logs, region: 'eu' }).ok).toBe(true);
    });
    it('accepts IPv6 addresses and zone offsets', () => {
      expect(
        validateEvent('security', { ...valid.security, ip: '2001:db8::1', ts: '2026-11-21T15:00:00+01:00' })
          .ok,
      ).toBe(true);
    });
  });

  describe('rejects with the offending field named', () => {
    const cases: [keyof typeof valid, Record<string, unknown>, string][] = [
      ['logs', { ...valid.logs, level: 'FATAL' }, '/level'],
      ['logs', { ...valid.logs, ts: 'yesterday' }, '/ts'],
      ['logs', { ...valid.logs, ts: '2026-13-45T99:00:00Z' }, '/ts'],
      ['logs', { ...valid.logs, service: '' }, '/service'],
      ['metrics', { ...valid.metrics, cpu: 101 }, '/cpu'],
      ['metrics', { ...valid.metrics, latencyMs: -1 }, '/latencyMs'],
      ['metrics', { ...valid.metrics, host: undefined }, '/host'],
      ['transactions', { ...valid.transactions, amount: 1e13 }, '/amount'],
      ['transactions', { ...valid.transactions, currency: 'euro' }, '/currency'],
      ['security', { ...valid.security, ip: '999.1.1.1' }, '/ip'],
      ['security', { ...valid.security, action: 'hack' }, '/action'],
      ['security', { ...valid.security, bytes: 1.5 }, '/bytes'],
    ];
    for (const [source, event, path] of cases) {
      it(`${source} ${path}`, () => {
        const result = validateEvent(source, event);
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.error.startsWith(`${path}:`)).toBe(true);
      });
    }
  });
});

describe('decodeEvent', () => {
  it('decodes UTF-8 bytes', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(valid.metrics));
    expect(decodeEvent('metrics', bytes)).toEqual({ ok: true, value: valid.metrics });
  });
  it('reports bad JSON', () => {
    const result = decodeEvent('logs', '{"ts": ');
    expect(result).toMatchObject({ ok: false });
    if (!result.ok) expect(result.error).toMatch(/^invalid JSON/);
  });
  it('rejects non-objects', () => {
    expect(decodeEvent('logs', '[1,2]')).toEqual({ ok: false, error: 'event must be a JSON object' });
    expect(decodeEvent('logs', 'null')).toEqual({ ok: false, error: 'event must be a JSON object' });
  });
  it('rejects oversized events before parsing them', () => {
    const big = JSON.stringify({ ...valid.logs, message: 'x'.repeat(EVENT_LIMITS.maxEventBytes) });
    const result = decodeEvent('logs', big);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^event too large/);
  });
});
