import { request as httpRequest } from 'node:http';
import { waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AdmitUpgrade, Connection, WsHandlers } from '../fanout/connection.ts';
import { testPrincipal } from '../fanout/testing/principals.ts';
import type { HttpHandler, HttpRequest } from '../http/http-types.ts';
import { connectClient, refusedUpgrade } from './testing/ws-client.ts';
import { createUwsServer, type UwsServer } from './uws-server.ts';

const logger = pino({ level: 'silent' });

/** An echo protocol: answers every text frame with {"op":"echo"}, and remembers connections and close codes. */
function echoHandlers() {
  const closes: { code: number; reason: string }[] = [];
  const open = new Set<Connection>();
  const opened: Connection[] = [];
  const handlers: WsHandlers = {
    open: (conn) => {
      open.add(conn);
      opened.push(conn);
    },
    message: (conn, text) => void conn.send(JSON.stringify({ op: 'echo', text })),
    drain: () => undefined,
    close: (conn, code, reason) => {
      open.delete(conn);
      closes.push({ code, reason });
    },
    dropped: () => undefined,
  };
  return { handlers, closes, open, opened };
}

/** Lets every upgrade through, unauthenticated: the echo protocol has no auth of its own. */
const admitAll: AdmitUpgrade = async () => ({ ok: true, principal: null });

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

  async function start(
    http: HttpHandler,
    extra: { admitUpgrade?: AdmitUpgrade; maxBodyBytes?: number } = {},
  ) {
    const echo = echoHandlers();
    const server = createUwsServer({
      host: '127.0.0.1',
      port: 0,
      http,
      ws: echo.handlers,
      admitUpgrade: extra.admitUpgrade ?? admitAll,
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

    it('asks the admission about each upgrade: a refusal is its HTTP status, an admission carries the IP and principal', async () => {
      const principal = testPrincipal();
      const seen: { headers: Record<string, string>; ip: string }[] = [];
      const { ws, opened } = await start(async () => ({ status: 404, body: '' }), {
        // Decided after a turn of the event loop, as a database lookup would be.
        admitUpgrade: async (headers, ip) => {
          seen.push({ headers: { ...headers }, ip });
          await new Promise((resolve) => setImmediate(resolve));
          if (headers.authorization === 'Bearer good') return { ok: true, principal };
          return { ok: false, status: 401, message: 'credentials are expired, revoked or unknown' };
        },
      });
      expect(await refusedUpgrade(ws, { headers: { authorization: 'Bearer bad' } })).toBe(401);
      expect(opened).toHaveLength(0);
      const client = await connectClient(ws, {
        origin: 'http://127.0.0.1',
        headers: { authorization: 'Bearer good' },
      });
      await waitFor(() => opened.length === 1, { message: 'open handler called' });
      expect(opened[0]).toMatchObject({ principal, ip: expect.stringMatching(/127\.0\.0\.1/) });
      expect(seen.at(-1)?.headers).toMatchObject({
        authorization: 'Bearer good',
        origin: 'http://127.0.0.1',
      });
      expect(seen.at(-1)?.headers.host).toMatch(/^127\.0\.0\.1:\d+$/);
      client.close();
    });

    it('keeps every socket admitted after an await open, each one served', async () => {
      const { ws, closes } = await start(async () => ({ status: 404, body: '' }), {
        admitUpgrade: async () => {
          await new Promise((resolve) => setImmediate(resolve)); // as a database lookup would
          return { ok: true, principal: null };
        },
      });
      const clients = [];
      for (let i = 0; i < 40; i += 1) {
        const client = await connectClient(ws);
        clients.push(client);
        client.send({ n: i });
        await client.until((f) => f.length === 1, `echo on socket ${i}`, 5_000);
      }
      expect(closes).toEqual([]);
      for (const client of clients) client.close();
    });

    it('answers 503 when the admission cannot decide (its database is down) and keeps serving', async () => {
      let failing = true;
      const { ws } = await start(async () => ({ status: 404, body: '' }), {
        admitUpgrade: async () => {
          if (failing) throw new Error('connection refused');
          return { ok: true, principal: null };
        },
      });
      expect(await refusedUpgrade(ws)).toBe(503);
      failing = false;
      const client = await connectClient(ws);
      client.close();
    });

    it('survives a client that left before the admission answered, leaving no socket open for it', async () => {
      let release: (() => void) | undefined;
      const { ws, opened, closes } = await start(async () => ({ status: 404, body: '' }), {
        // The first upgrade waits for the test; later ones are admitted at once.
        admitUpgrade: () =>
          release
            ? Promise.resolve({ ok: true, principal: null })
            : new Promise((resolve) => {
                release = () => resolve({ ok: true, principal: null });
              }),
      });
      const gone = new WebSocket(ws);
      gone.on('error', () => undefined); // terminated on purpose below
      await waitFor(() => release, { message: 'admission asked' });
      gone.terminate();
      await new Promise((resolve) => gone.once('close', resolve));
      release!(); // writing to an aborted response would crash uWS: it must be dropped
      const next = await connectClient(ws);
      // Either uWS saw the abort first (no socket) or it upgraded then saw the peer gone (open, then 1006):
      // never a socket left open for a client that left.
      await waitFor(() => opened.filter((conn) => !conn.closed).length === 1, {
        message: 'only the next one open',
      });
      expect(closes.every((c) => c.code === 1006)).toBe(true);
      next.close();
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
