import { request as httpRequest } from 'node:http';
import { waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Connection, WsHandlers } from '../fanout/connection.ts';
import type { HttpHandler, HttpRequest } from '../http/http-types.ts';
import { connectClient, refusedUpgrade } from './testing/ws-client.ts';
import { createUwsServer, type UwsServer } from './uws-server.ts';

const logger = pino({ level: 'silent' });

/** An echo protocol: answers every text frame with {"op":"echo"}, and remembers close codes. */
function echoHandlers() {
  const closes: { code: number; reason: string }[] = [];
  const open = new Set<Connection>();
  const handlers: WsHandlers = {
    open: (conn) => void open.add(conn),
    message: (conn, text) => void conn.send(JSON.stringify({ op: 'echo', text })),
    drain: () => undefined,
    close: (conn, code, reason) => {
      open.delete(conn);
      closes.push({ code, reason });
    },
    dropped: () => undefined,
  };
  return { handlers, closes, open };
}

/** Raw HTTP with full control over headers (fetch would add its own). */
function rawRequest(
  port: number,
  options: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer | string;
    chunked?: boolean;
  },
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: options.method,
      path: options.path,
      headers: options.headers,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    if (options.body !== undefined) {
      if (options.chunked) {
        const body = Buffer.from(options.body);
        for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      } else req.write(options.body);
    }
    req.end();
  });
}

describe('uWS server (real sockets)', () => {
  const servers: UwsServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.stop();
  });

  async function start(http: HttpHandler, extra: { allowedOrigins?: string[]; maxBodyBytes?: number } = {}) {
    const echo = echoHandlers();
    const server = createUwsServer({
      host: '127.0.0.1',
      port: 0,
      http,
      ws: echo.handlers,
      allowedOrigins: extra.allowedOrigins,
      limits: { maxBodyBytes: extra.maxBodyBytes ?? 1024, maxPayloadLength: 1024 },
      logger,
    });
    servers.push(server);
    const { port } = await server.start();
    return { server, port, ...echo, ws: `ws://127.0.0.1:${port}/ws` };
  }

  describe('HTTP', () => {
    it('listens on the port the OS picked and hands the handler plain request objects', async () => {
      const seen: HttpRequest[] = [];
      const { port } = await start(async (req) => {
        seen.push(req);
        return {
          status: 201,
          headers: { 'content-type': 'application/json', 'x-test': 'yes' },
          body: '{"ok":true}',
        };
      });
      expect(port).toBeGreaterThan(0);
      const res = await rawRequest(port, {
        method: 'POST',
        path: '/api/things?severity=high&severity=low&q=a%20b',
        headers: { 'content-type': 'application/json', 'X-Custom': 'v' },
        body: '{"a":1}',
      });
      expect(res).toMatchObject({ status: 201, body: '{"ok":true}' });
      expect(res.headers['x-test']).toBe('yes');
      const req = seen[0]!;
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/api/things');
      expect(req.query.getAll('severity')).toEqual(['high', 'low']);
      expect(req.query.get('q')).toBe('a b');
      expect(req.headers['x-custom']).toBe('v');
      expect(req.body.toString()).toBe('{"a":1}');
      expect(req.remoteAddress).toMatch(/127\.0\.0\.1/);
    });

    it('gives GET requests an empty body and serves /', async () => {
      const { port } = await start(async (req) => ({
        status: 200,
        body: `${req.method} ${req.path} ${req.body.length}`,
      }));
      expect((await rawRequest(port, { method: 'GET', path: '/' })).body).toBe('GET / 0');
    });

    it('answers 413 JSON for a declared body over the limit, without calling the handler', async () => {
      let called = false;
      const { port } = await start(async () => {
        called = true;
        return { status: 200, body: '' };
      });
      const res = await rawRequest(port, { method: 'POST', path: '/x', body: 'x'.repeat(2048) });
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body)).toEqual({ error: 'body too large', details: { limit: 1024 } });
      expect(called).toBe(false);
    });

    it('answers 413 for a chunked body that grows over the limit', async () => {
      const { port } = await start(async () => ({ status: 200, body: '' }), { maxBodyBytes: 100 * 1024 });
      const res = await rawRequest(port, {
        method: 'POST',
        path: '/x',
        headers: { 'transfer-encoding': 'chunked' },
        body: 'x'.repeat(300 * 1024),
        chunked: true,
      }).catch((err: Error) => ({ status: -1, body: err.message, headers: {} }));
      // The server answers and closes mid-upload; the client may see the 413 or a reset, never a 200.
      expect([413, -1]).toContain(res.status);
    });

    it('answers a thrown handler error with a plain 500', async () => {
      const { port } = await start(async () => {
        throw new Error('bug');
      });
      const res = await rawRequest(port, { method: 'GET', path: '/boom' });
      expect(res.status).toBe(500);
      expect(res.body).toBe('internal error');
      expect(res.headers['content-type']).toBe('text/plain');
    });

    it('survives a client that leaves before the answer', async () => {
      let release: (() => void) | undefined;
      const { port } = await start((req) =>
        req.path === '/slow'
          ? new Promise((resolve) => {
              release = () => resolve({ status: 200, body: 'late' });
            })
          : Promise.resolve({ status: 200, body: 'ok' }),
      );
      const req = httpRequest({ host: '127.0.0.1', port, path: '/slow' });
      const gone = new Promise((resolve) => req.on('close', resolve));
      req.on('error', () => undefined); // destroyed on purpose below
      req.end();
      await waitFor(() => release, { message: 'handler called' });
      req.destroy();
      await gone;
      release!(); // the answer to an aborted response must be dropped, not written
      expect((await rawRequest(port, { method: 'GET', path: '/' })).body).toBe('ok');
    });
  });

  describe('WebSocket', () => {
    it('accepts /ws and carries text frames both ways', async () => {
      const { ws } = await start(async () => ({ status: 404, body: '' }));
      const client = await connectClient(ws);
      client.send({ hello: 1 });
      await client.until((f) => f.length === 1, 'echo');
      expect(client.frames[0]).toEqual({ op: 'echo', text: '{"hello":1}' });
      client.close();
    });

    it('refuses an upgrade from an origin not on the allowlist with 403', async () => {
      const { ws } = await start(async () => ({ status: 404, body: '' }), {
        allowedOrigins: ['https://ok.example'],
      });
      expect(await refusedUpgrade(ws, { origin: 'https://evil.example' })).toBe(403);
      const ok = await connectClient(ws, { origin: 'https://ok.example' });
      ok.close();
      const noOrigin = await connectClient(ws); // not a browser
      noOrigin.close();
    });

    it('closes a socket that sends a frame over maxPayloadLength (client sees 1006) and keeps serving others', async () => {
      const { ws, closes } = await start(async () => ({ status: 404, body: '' }));
      const other = await connectClient(ws);
      const big = await connectClient(ws);
      big.send('x'.repeat(2048));
      expect((await big.closed).code).toBe(1006);
      expect(closes).toContainEqual({ code: 1006, reason: 'Received too big message' });
      other.send('still here');
      await other.until((f) => f.length === 1, 'echo after the oversized frame');
      other.close();
    });

    it('on stop closes every socket with 1001 and refuses new connections', async () => {
      const { server, ws, port } = await start(async () => ({ status: 200, body: 'ok' }));
      const clients = await Promise.all([connectClient(ws), connectClient(ws)]);
      await server.stop();
      for (const client of clients)
        expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
      await expect(rawRequest(port, { method: 'GET', path: '/' })).rejects.toThrow();
    });
  });
});
