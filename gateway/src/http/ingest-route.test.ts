import { EVENT_LIMITS, INGESTED_AT_HEADER, UnavailableError, VigilError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter, NOW } from './testing/router-fixture.ts';
import { useTestDatabase } from './testing/test-alert-store.ts';

const ts = '2030-01-01T00:00:00Z';
const log = (n: number, extra = {}) => ({
  ts,
  service: 'payments',
  level: 'ERROR',
  message: `m${n}`,
  ...extra,
});
const ndjson = (items: unknown[]) =>
  items.map((i) => (typeof i === 'string' ? i : JSON.stringify(i))).join('\n');
const decode = (value: Uint8Array | string) => JSON.parse(Buffer.from(value).toString('utf8'));

/** Posts `body` as `application/json` unless `headers` name another content type. */
async function post(
  source: string,
  body: string,
  headers: Record<string, string> = {},
  fixture = makeRouter(),
) {
  const response = await fixture.router(
    request('POST', `/api/events/${source}`, {
      body,
      headers: { 'content-type': 'application/json', ...headers },
    }),
  );
  // biome-ignore lint/suspicious/noExplicitAny: bodies are checked field by field
  return { ...fixture, response, status: response.status, body: bodyJson(response) as any };
}

useTestDatabase();

describe('POST /api/events/{source}', () => {
  describe('a JSON array', () => {
    it('publishes every valid item in one call with ingested-at and answers 202', async () => {
      const { status, body, bus } = await post('logs', JSON.stringify([log(1), log(2)]));
      expect(status).toBe(202);
      expect(body).toEqual({ accepted: 2, rejected: [] });
      expect(bus.calls).toHaveLength(1);
      expect(bus.calls[0]?.topic).toBe('events.logs');
      expect(bus.calls[0]?.messages.map((m) => decode(m.value))).toEqual([log(1), log(2)]);
      expect(bus.calls[0]?.messages[0]).toMatchObject({
        key: null,
        headers: { [INGESTED_AT_HEADER]: String(NOW) },
      });
    });

    it('rejects invalid items individually, with the right indices, and accepts the rest', async () => {
      const items = [log(0), log(1, { level: 'FATAL' }), 'text', log(3), null, log(5, { ts: 'now' }), log(6)];
      const { status, body, bus } = await post('logs', JSON.stringify(items));
      expect(status).toBe(202);
      expect(body.accepted).toBe(3);
      expect(body.rejected.map((r: { index: number }) => r.index)).toEqual([1, 2, 4, 5]);
      expect(body.rejected[0].error).toMatch(/^\/level:/);
      expect(body.rejected[1].error).toBe('event must be a JSON object');
      expect(body.rejected[3].error).toMatch(/^\/ts:/);
      expect(bus.calls[0]?.messages.map((m) => decode(m.value).message)).toEqual(['m0', 'm3', 'm6']);
    });

    it('rejects an item over the per-event size limit', async () => {
      const big = log(1, {
        message: 'x'.repeat(EVENT_LIMITS.message),
        host: 'h',
        pad: 'y'.repeat(EVENT_LIMITS.maxEventBytes),
      });
      const { body } = await post('logs', JSON.stringify([log(0), big]));
      expect(body.accepted).toBe(1);
      expect(body.rejected).toEqual([{ index: 1, error: expect.stringMatching(/^event too large/) }]);
    });

    it('answers 202 with nothing published when every item is invalid', async () => {
      const { status, body, bus } = await post('metrics', JSON.stringify([{ ts }]));
      expect(status).toBe(202);
      expect(body.accepted).toBe(0);
      expect(bus.calls).toHaveLength(0);
    });
  });

  describe('NDJSON', () => {
    it('is read by content type, skipping blank lines and CRLF endings', async () => {
      const text = `${JSON.stringify(log(0))}\r\n\n  \n${JSON.stringify(log(1))}\n`;
      const { body, bus } = await post('logs', text, {
        'content-type': 'application/x-ndjson; charset=utf-8',
      });
      expect(body).toEqual({ accepted: 2, rejected: [] });
      expect(bus.calls[0]?.messages.map((m) => Buffer.from(m.value).toString())).toEqual([
        JSON.stringify(log(0)),
        JSON.stringify(log(1)),
      ]);
    });

    it('is detected by a leading { whatever the content type', async () => {
      const { body } = await post('logs', ndjson([log(0), log(1)]), { 'content-type': 'application/json' });
      expect(body.accepted).toBe(2);
    });

    it('treats a body starting with { as NDJSON, so junk after it is one rejected line', async () => {
      const { status, body } = await post('logs', '{"a":1} x {"b":2}');
      expect(status).toBe(202);
      expect(body.rejected).toEqual([{ index: 0, error: expect.stringMatching(/^invalid JSON/) }]);
    });

    it('rejects bad lines individually, indexed among non-blank lines', async () => {
      const text = ndjson([log(0), '{"ts": oops', '', log(2, { level: 'LOUD' }), '[1]', log(4)]);
      const { body } = await post('logs', text, { 'content-type': 'application/x-ndjson' });
      expect(body.accepted).toBe(2);
      expect(body.rejected).toEqual([
        { index: 1, error: expect.stringMatching(/^invalid JSON/) },
        { index: 2, error: expect.stringMatching(/^\/level/) },
        { index: 3, error: 'event must be a JSON object' },
      ]);
    });

    it('validates each source against its own contract', async () => {
      const sec = { ts, ip: '10.0.0.1', action: 'login_failure', userId: 'u1' };
      const { body, bus } = await post('security', ndjson([sec, { ...sec, ip: 'not-an-ip' }]));
      expect(body).toEqual({ accepted: 1, rejected: [{ index: 1, error: expect.stringMatching(/^\/ip/) }] });
      expect(bus.calls[0]?.topic).toBe('events.security');
    });
  });

  it('keys messages with eventKey', async () => {
    const fixture = makeRouter({
      eventKey: (source, event) => `${source}:${'service' in event ? event.service : ''}`,
    });
    const { bus } = await post('logs', JSON.stringify([log(0)]), {}, fixture);
    expect(bus.calls[0]?.messages[0]?.key).toBe('logs:payments');
  });

  describe('refuses the whole request', () => {
    it.each([
      ['an empty body', ''],
      ['a blank body', ' \n\t '],
      ['a scalar', '42'],
      ['a string', '"hello"'],
      ['a broken array', '[{"ts": 1},'],
    ])('400 for %s', async (_, text) => {
      const { status, body, bus } = await post('logs', text);
      expect(status).toBe(400);
      expect(body.error).toMatch(/^body must be a JSON array or NDJSON/);
      expect(bus.calls).toHaveLength(0);
    });

    // A browser sends these cross-site without a CORS preflight: any web page could inject events.
    it.each([
      ['text/plain', 'text/plain;charset=UTF-8'],
      ['a form', 'application/x-www-form-urlencoded'],
      ['multipart', 'multipart/form-data; boundary=x'],
      ['no content type', undefined],
    ])('415 for %s, publishing nothing', async (_, contentType) => {
      const fixture = makeRouter();
      const headers: Record<string, string> =
        contentType === undefined ? {} : { 'content-type': contentType };
      const response = await fixture.router(
        request('POST', '/api/events/logs', { body: JSON.stringify([log(0)]), headers }),
      );
      expect(response.status).toBe(415);
      expect(bodyJson(response)).toMatchObject({
        details: { allowed: ['application/json', 'application/x-ndjson', 'application/ndjson'] },
      });
      expect(fixture.bus.calls).toHaveLength(0);
    });

    it('404 for an unknown source', async () => {
      const { status, body } = await post('tweets', JSON.stringify([log(0)]));
      expect(status).toBe(404);
      expect(body).toEqual({
        error: 'unknown source',
        details: { source: 'tweets', allowed: ['logs', 'metrics', 'transactions', 'security'] },
      });
    });

    it('413 past the item limit, in both forms', async () => {
      const fixture = makeRouter({ limits: { maxIngestItems: 3 } });
      const items = [log(0), log(1), log(2), log(3)];
      expect((await post('logs', JSON.stringify(items), {}, fixture)).status).toBe(413);
      const viaNdjson = await post('logs', ndjson(items), {}, fixture);
      expect(viaNdjson.status).toBe(413);
      expect(viaNdjson.body.details).toEqual({ count: 4, max: 3 });
      expect(fixture.bus.calls).toHaveLength(0);
      expect((await post('logs', ndjson(items.slice(1)), {}, fixture)).status).toBe(202);
    });

    it('503 with retry-after when the bus is unavailable, accepting nothing', async () => {
      const fixture = makeRouter({ limits: { retryAfterSeconds: 7 } });
      fixture.bus.failWith(new UnavailableError('broker down'));
      const { status, response, body } = await post('logs', JSON.stringify([log(0)]), {}, fixture);
      expect(status).toBe(503);
      expect(response.headers?.['retry-after']).toBe('7');
      expect(body.error).toMatch(/unavailable/);
      expect(JSON.stringify(body)).not.toContain('broker down');
    });

    it('500 when the bus refuses for a reason retrying cannot fix (a missing topic)', async () => {
      const fixture = makeRouter();
      fixture.bus.failWith(new VigilError('not_found', 'topic "events.logs" does not exist'));
      const { status, body } = await post('logs', JSON.stringify([log(0)]), {}, fixture);
      expect(status).toBe(500);
      expect(body).toEqual({ error: 'internal error' });
    });
  });

  it('counts accepted and rejected items on /metrics', async () => {
    const fixture = makeRouter();
    await post('logs', JSON.stringify([log(0), log(1), {}]), {}, fixture);
    const metrics = await fixture.registry.metrics();
    expect(metrics).toContain('vigil_ingest_events_total{source="logs",outcome="accepted"} 2');
    expect(metrics).toContain('vigil_ingest_events_total{source="logs",outcome="rejected"} 1');
  });

  it('answers 405 with Allow for GET', async () => {
    const { router } = makeRouter();
    const response = await router(request('GET', '/api/events/logs'));
    expect(response.status).toBe(405);
    expect(response.headers?.allow).toBe('POST');
  });
});
