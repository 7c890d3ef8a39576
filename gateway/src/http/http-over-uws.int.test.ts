import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeAlert } from '@vigil/db/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noWebSockets, refuseUpgrades } from '../fanout/testing/no-websockets.ts';
import { bearer } from '../fanout/testing/test-identities.ts';
import { createUwsServer, type UwsServer } from '../transport/uws-server.ts';
import { makeRouter } from './testing/router-fixture.ts';
import { TEST_SECRETS } from './testing/test-tokens.ts';

/** As a viewer's tool: every call carries its token (the admin's for ingest, which a viewer may not do). */
const viewer = { headers: bearer(TEST_SECRETS.viewer) };

// The router behind the real uWebSockets.js transport, over real sockets: what a browser or curl sees.
describe('HTTP router over uWebSockets.js', () => {
  let server: UwsServer;
  let base: string;
  let staticDir: string;
  const fixture = { current: undefined as ReturnType<typeof makeRouter> | undefined };

  beforeAll(async () => {
    staticDir = await mkdtemp(join(tmpdir(), 'vigil-uws-static-'));
    await mkdir(join(staticDir, '_app/immutable'), { recursive: true });
    await writeFile(join(staticDir, '200.html'), '<html>spa</html>');
    await writeFile(join(staticDir, '_app/immutable/app.X1.js'), 'export {}');
    fixture.current = makeRouter({
      alerts: [makeAlert({ id: 'a1', severity: 'high' }), makeAlert({ id: 'a2', severity: 'low' })],
      staticDir,
    });
    server = createUwsServer({
      host: '127.0.0.1',
      port: 0,
      http: fixture.current.router,
      ws: noWebSockets,
      admitUpgrade: refuseUpgrades,
      logger: pino({ level: 'silent' }),
    });
    const { port } = await server.start();
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await server?.stop();
    await rm(staticDir, { recursive: true, force: true });
  });

  it('answers REST queries with JSON', async () => {
    const response = await fetch(`${base}/api/alerts?severity=high,critical`, viewer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await response.json()) as { items: { id: string }[] }).items.map((a) => a.id)).toEqual(['a1']);
  });

  it('answers 400 naming the parameter and 405 with Allow', async () => {
    const bad = await fetch(`${base}/api/alerts?limit=9999`, viewer);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ details: { parameter: 'limit' } });
    const wrong = await fetch(`${base}/api/alerts`, { method: 'DELETE', ...viewer });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
  });

  it('ingests an NDJSON body and publishes it', async () => {
    const event = { ts: '2030-01-01T00:00:00Z', service: 'payments', level: 'ERROR', message: 'x' };
    const response = await fetch(`${base}/api/events/logs`, {
      method: 'POST',
      headers: bearer(TEST_SECRETS.ingest, { 'content-type': 'application/x-ndjson' }),
      body: `${JSON.stringify(event)}\n{"nope":1}\n`,
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({ accepted: 1, rejected: [{ index: 1 }] });
    expect(fixture.current?.bus.calls.at(-1)?.messages).toHaveLength(1);
  });

  it('serves the dashboard with cache headers and the SPA fallback', async () => {
    const asset = await fetch(`${base}/_app/immutable/app.X1.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const etag = asset.headers.get('etag') ?? '';
    expect(
      (await fetch(`${base}/_app/immutable/app.X1.js`, { headers: { 'if-none-match': etag } })).status,
    ).toBe(304);
    const page = await fetch(`${base}/alerts/a1`);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<html>spa</html>');
  });

  it('serves Prometheus metrics with the registry content type', async () => {
    const response = await fetch(`${base}/metrics`, viewer);
    expect(response.headers.get('content-type')).toBe(fixture.current?.registry.contentType);
    expect(await response.text()).toContain(
      'vigil_http_request_duration_seconds_count{method="GET",route="/api/alerts"',
    );
  });
});
