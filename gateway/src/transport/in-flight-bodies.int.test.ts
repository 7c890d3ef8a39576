import { connect, type Socket } from 'node:net';
import { waitFor } from '@vigil/harness';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { AdmitUpgrade, WsHandlers } from '../fanout/connection.ts';
import { createUwsServer, type UwsServer } from './uws-server.ts';

const noWs: WsHandlers = { open() {}, message() {}, drain() {}, close() {}, dropped() {} };
const admitNone: AdmitUpgrade = async () => ({ ok: false, status: 403, message: 'no sockets here' });

/** A raw connection that sends a request head and part of its body, and records what comes back. */
function slowBody(port: number, declared: number, sent: number, auth?: string) {
  const socket: Socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  const head = [
    'POST /x HTTP/1.1',
    'Host: 127.0.0.1',
    'Content-Type: application/json',
    `Content-Length: ${declared}`,
    ...(auth ? [`Authorization: Bearer ${auth}`] : []),
    '',
    '',
  ].join('\r\n');
  socket.write(head + ' '.repeat(sent));
  return { socket, answer: () => answer };
}

describe('uWS transport: request bodies in flight per client', () => {
  let server: UwsServer | undefined;
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const s of sockets) s.destroy();
    await server?.stop();
  });

  it('answers 429 once one client holds more body bytes at once than its budget, and serves it again after', async () => {
    let handled = 0;
    server = createUwsServer({
      host: '127.0.0.1',
      port: 0,
      http: async () => {
        handled += 1;
        return { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' };
      },
      ws: noWs,
      admitUpgrade: admitNone,
      logger: pino({ level: 'silent' }),
      limits: { maxBodyBytes: 10_000, maxInFlightBodyBytesPerClient: 1_000 },
    });
    const { port } = await server.start();
    // Two unfinished bodies of 600 bytes from one address: the second passes the 1,000-byte budget.
    const first = slowBody(port, 800, 600);
    sockets.push(first.socket);
    await waitFor(() => first.socket.bytesWritten > 600, { message: 'first body sent' });
    const second = slowBody(port, 800, 600);
    sockets.push(second.socket);
    await waitFor(() => second.answer().includes('HTTP/1.1 429'), { message: 'second answered 429' });
    expect(second.answer()).toMatch(/retry-after: 1/i);
    // The first finishes its body: it is served, and its bytes are given back.
    first.socket.write(' '.repeat(200));
    await waitFor(() => first.answer().includes('HTTP/1.1 200'), { message: 'first served' });
    const third = slowBody(port, 800, 800);
    sockets.push(third.socket);
    await waitFor(() => third.answer().includes('HTTP/1.1 200'), {
      message: 'budget back after the first ended',
    });
    expect(handled).toBe(2);
  });
});
