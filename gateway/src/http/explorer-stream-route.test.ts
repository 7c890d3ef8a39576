import { EVENT_STREAM_FRAMES } from '@vigil/core';
import { waitFor } from '@vigil/harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeStream } from '../tail/testing/fake-stream.ts';
import { memoryTail } from '../tail/testing/test-tail.ts';
import { bodyJson, request } from './testing/request.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { useTestDatabase } from './testing/test-alert-store.ts';
import type { TestIdentity } from './testing/test-tokens.ts';

useTestDatabase();

let env: Awaited<ReturnType<typeof memoryTail>>;
beforeAll(async () => {
  env = await memoryTail({ limits: { maxStreamsPerPrincipal: 2 } });
});
afterAll(() => env.stop());

const ts = '2030-01-01T12:00:00.000Z';
const router = () => makeRouter({ eventTail: env.tail }).router;

/** GET the stream as `as`; when it is answered 200, attaches a client the way the transport would. */
async function tail(query: string, as: TestIdentity = 'viewer') {
  const response = await router()(request('GET', `/api/stream/events${query}`, { as }));
  const client = fakeStream();
  response.stream?.(client.stream);
  if (response.stream) {
    await waitFor(() => client.named(EVENT_STREAM_FRAMES.ready).length === 1, { message: 'ready' });
  }
  return { response, client };
}

describe('GET /api/stream/events', () => {
  it('answers a server-sent-events stream that proxies do not buffer', async () => {
    const { response, client } = await tail('?source=logs');
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    expect(client.named(EVENT_STREAM_FRAMES.ready)[0]?.data).toEqual({ maxPerSecond: 100 });
    client.abort();
  });

  it('filters as GET /api/events does: fields, level and words of the message', async () => {
    const { client } = await tail('?service=payments,api&level=ERROR&q=declin');
    const match = { ts, service: 'payments', level: 'ERROR', message: 'card declined' };
    await env.publish('logs', [
      { ...match, level: 'INFO' },
      { ...match, message: 'payment accepted' },
      { ...match, service: 'search' },
      match,
    ]);
    await waitFor(() => client.events().length === 1, { message: 'the one match' });
    expect(client.events()[0]?.event).toEqual(match);
    client.abort();
  });

  it("applies a token's scope: a scoped token sees only the sources it may", async () => {
    const everything = await tail('', 'scoped'); // scope: source security
    const outside = await tail('?source=logs', 'scoped');
    await env.publish('logs', [{ ts, service: 'payments', level: 'ERROR', message: 'hidden' }]);
    await env.publish('security', [{ ts, ip: '10.0.0.9', action: 'login_failure' }]);
    await waitFor(() => everything.client.events().length === 1, { message: 'the security event' });
    expect(everything.client.events()[0]?.source).toBe('security');
    expect(outside.response.status).toBe(200); // open, and silent: the scope leaves nothing of its filter
    expect(outside.client.events()).toEqual([]);
    everything.client.abort();
    outside.client.abort();
  });

  it('refuses bad filters, range and paging parameters with a 400 naming the parameter', async () => {
    for (const query of ['?level=LOUD', '?source=mail', `?from=${ts}`, '?limit=10', '?cursor=x', '?q=']) {
      const { response } = await tail(query);
      if (query === '?q=') {
        expect(response.status, 'an empty value counts as absent').toBe(200);
        continue;
      }
      expect(response.status, query).toBe(400);
      expect((bodyJson(response) as { details: unknown }).details, query).toHaveProperty('parameter');
    }
  });

  it('answers 429 with Retry-After past the per-principal cap, and serves again once one closes', async () => {
    const open = [await tail(''), await tail('')];
    const refused = await tail('');
    expect(refused.response.status).toBe(429);
    expect(refused.response.headers?.['retry-after']).toBe('10');
    expect(bodyJson(refused.response)).toMatchObject({ details: { cap: 'principal', limit: 2 } });
    open[0]!.client.abort();
    const again = await tail('');
    expect(again.response.status).toBe(200);
    for (const { client } of [open[1]!, again]) client.abort();
  });
});
