import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS } from './event-schemas.ts';
import { MAX_EVENT_DEPTH } from './storable.ts';
import { decodeEvent, decodeEventJson, validateEvent } from './validate-event.ts';

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
      // What PostgreSQL refuses or misreads: once a poison message that stopped its partition.
      ['transactions', { ...valid.transactions, ts: '0000-01-01T00:00:00Z' }, '/ts'],
      ['transactions', { ...valid.transactions, ts: '0001-01-01T00:00:00Z' }, '/ts'],
      ['logs', { ...valid.logs, ts: '2026-02-30T00:00:00Z' }, '/ts'],
      ['metrics', { ...valid.metrics, ts: '+020000-01-01T00:00:00Z' }, '/ts'],
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

describe('validateEvent refuses what a store would refuse', () => {
  const nulIn = (text: string) => `${text}\u0000x`;
  // Every string field of every source, known or not, on any depth.
  const stringFields: Record<keyof typeof valid, string[]> = {
    logs: ['id', 'service', 'message', 'userId', 'host', 'traceId'],
    metrics: ['id', 'service', 'host'],
    transactions: ['id', 'userId', 'merchant', 'status'],
    security: ['id', 'userId', 'resource'],
  };
  for (const [source, fields] of Object.entries(stringFields) as [keyof typeof valid, string[]][]) {
    for (const field of fields) {
      it(`U+0000 in ${source} /${field}`, () => {
        expect(validateEvent(source, { ...valid[source], [field]: nulIn('a') })).toEqual({
          ok: false,
          error: `/${field}: must not contain U+0000 (NUL)`,
        });
      });
    }
  }
  it('U+0000 in an unknown extra field, nested or in an array, and in a field name', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ region: nulIn('eu') }, '/region: must not contain U+0000 (NUL)'],
      [{ context: { http: { path: nulIn('/x') } } }, '/context/http/path: must not contain U+0000 (NUL)'],
      [{ tags: ['ok', nulIn('t')] }, '/tags/1: must not contain U+0000 (NUL)'],
      [{ 'a/b\u0000': 1 }, '/a~1b\\u0000: a field name must not contain U+0000 (NUL)'],
    ];
    for (const [extra, error] of cases) {
      expect(validateEvent('logs', { ...valid.logs, ...extra })).toEqual({ ok: false, error });
    }
  });
  it(`nesting deeper than ${MAX_EVENT_DEPTH} levels, however deep, without exhausting the stack`, () => {
    const nest = (levels: number) => {
      let value: unknown = 'leaf';
      for (let i = 0; i < levels; i += 1) value = { n: value };
      return value;
    };
    // The event is level 1, so MAX_EVENT_DEPTH - 1 nested objects fit exactly.
    expect(validateEvent('logs', { ...valid.logs, extra: nest(MAX_EVENT_DEPTH - 1) }).ok).toBe(true);
    const deep = validateEvent('logs', { ...valid.logs, extra: nest(MAX_EVENT_DEPTH) });
    expect(deep).toMatchObject({ ok: false, error: expect.stringMatching(/^\/extra(\/n)+: nested deeper/) });
    const raw = `{"ts":"${ts}","service":"s","level":"INFO","message":"m","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    expect(decodeEvent('logs', raw)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/nested deeper/),
    });
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

describe('decodeEventJson', () => {
  const encode = (text: string) => new TextEncoder().encode(text);
  it('hands back the text as it came, whitespace and key order included', () => {
    const text = `{ "level": "ERROR",\n "ts": "${ts}", "service": "payments", "message": "charge failed", "userId": "u1" }`;
    expect(decodeEventJson('logs', encode(text))).toEqual({ ok: true, value: valid.logs, json: text });
  });
  it('refuses what decodeEvent refuses, with the same reason', () => {
    for (const text of ['{"ts": ', '[1]', JSON.stringify({ ...valid.logs, level: 'LOUD' })]) {
      expect(decodeEventJson('logs', encode(text))).toEqual(decodeEvent('logs', encode(text)));
    }
  });
  it('measures the size in bytes, not characters', () => {
    // Under the limit in UTF-16 units, over it in UTF-8 bytes (3 bytes per character).
    const message = '€'.repeat(Math.ceil(EVENT_LIMITS.maxEventBytes / 3) + 1);
    const bytes = encode(JSON.stringify({ ...valid.logs, message }));
    const result = decodeEventJson('logs', bytes);
    expect(result).toEqual({
      ok: false,
      error: `event too large: ${bytes.byteLength} bytes > ${EVENT_LIMITS.maxEventBytes}`,
    });
  });
});
