import { MAX_EVENT_DEPTH } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { checkItem, splitIngestBody } from './ingest-body.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { useTestDatabase } from './testing/test-alert-store.ts';

const log = (n: number) => ({
  ts: '2030-01-01T00:00:00Z',
  service: 'payments',
  level: 'ERROR',
  message: `m${n}`,
});
const deepArray = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepObject = (levels: number) => `${'{"n":'.repeat(levels)}1${'}'.repeat(levels)}`;

useTestDatabase();

// One item nested 10,000 levels deep once overflowed JSON.stringify and failed the whole body with a 500.
describe('ingest body nesting bound', () => {
  it.each([
    ['an array', deepArray(10_000)],
    ['an object', deepObject(10_000)],
    ['an event with a deep extra field', `{"ts":"2030-01-01T00:00:00Z","x":${deepArray(10_000)}}`],
  ])('refuses %s nested 10,000 deep as one item of a JSON array, the others kept', (_label, deep) => {
    const body = `[${JSON.stringify(log(0))},${deep},${JSON.stringify(log(2))}]`;
    const items = splitIngestBody(Buffer.from(body), 'application/json', 10);
    const results = items.map((item) => checkItem('logs', item));
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(results[1]).toMatchObject({
      error: expect.stringMatching(`nested deeper than ${MAX_EVENT_DEPTH} levels`),
    });
  });

  it('gives an NDJSON line the same reason', () => {
    const line = `{"ts":"2030-01-01T00:00:00Z","service":"s","level":"INFO","message":"m","x":${deepArray(10_000)}}`;
    const [item] = splitIngestBody(Buffer.from(line), 'application/x-ndjson', 10);
    expect(checkItem('logs', item!)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/nested deeper/),
    });
  });

  it('answers 202 with the deep item rejected by index and the valid ones published', async () => {
    const { router, bus } = makeRouter();
    const body = `[${JSON.stringify(log(0))},${deepArray(10_000)},${JSON.stringify(log(2))}]`;
    const response = await router(
      request('POST', '/api/events/logs', { body, headers: { 'content-type': 'application/json' } }),
    );
    expect(response.status).toBe(202);
    expect(bodyJson(response)).toEqual({
      accepted: 2,
      rejected: [{ index: 1, error: expect.stringMatching(/nested deeper than/) }],
    });
    expect(bus.calls[0]?.messages).toHaveLength(2);
  });
});
