import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { upgradeRequest } from './upgrade-request.ts';
import { createFrameParser, OPCODE } from './ws-frame-parser.ts';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface RawWsHandlers {
  /** Once per socket read, before its messages: the moment they all arrived. */
  chunk(): void;
  wantPayload(): boolean;
  message(payload: Buffer | null): void;
  /** The close code the server sent, or 1006 when the connection ended without one. */
  closed(code: number): void;
}

export interface RawWs {
  sendText(text: string): void;
  terminate(): void;
}

/**
 * One read buffer for every socket of the process (net's `onread`): a read is handled synchronously
 * before the next one lands in it, and the parser copies whatever it keeps. Without it Node allocates a
 * 64 KiB buffer per read; at 1 M frames/s that allocation and its garbage doubled the clients' CPU and
 * made them, not the server, set the latency measured.
 */
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);

/** A client frame (clients must mask, RFC 6455 §5.3); only for the rare frames the bench sends. */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, 0x80 | payload.length])
      : Buffer.from([0x80 | opcode, 0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const body = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) body[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([head, mask, body]);
}

/**
 * A minimal WebSocket client over node:net: the RFC 6455 handshake, the frame parser (which counts
 * frames without copying them), pong replies and close codes. The fan-out clients use it instead of the
 * `ws` library, whose per-message cost (≈ 3 µs here) made the clients, not the servers, the ceiling.
 */
export function openRawWebSocket(
  url: string,
  handlers: RawWsHandlers,
  timeoutMs: number,
  /** Sent on the upgrade (Vigil: `Authorization: Bearer`). */
  headers: Readonly<Record<string, string>> = {},
): Promise<RawWs> {
  const { hostname, port } = new URL(url);
  const key = randomBytes(16).toString('base64');
  const accept = createHash('sha1')
    .update(key + WS_GUID)
    .digest('base64');
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: hostname,
      port: Number(port),
      onread: {
        buffer: READ_BUFFER,
        // `buffer` is READ_BUFFER; true keeps the socket reading.
        callback: (bytes) => {
          onData(READ_BUFFER.subarray(0, bytes));
          return true;
        },
      },
    });
    socket.setNoDelay(true);
    let open = false;
    let closeCode = 1006;
    let head = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('handshake timeout'));
    }, timeoutMs);
    const parser = createFrameParser({
      message: handlers.message,
      wantPayload: handlers.wantPayload,
      control: (opcode, payload) => {
        if (opcode === OPCODE.ping) socket.write(clientFrame(OPCODE.pong, payload));
        else if (opcode === OPCODE.close) {
          closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
          socket.end(clientFrame(OPCODE.close, payload.subarray(0, 2)));
        }
      },
    });
    const ws: RawWs = {
      sendText: (text) => socket.write(clientFrame(OPCODE.text, Buffer.from(text))),
      terminate: () => socket.destroy(),
    };
    socket.on('connect', () => {
      socket.write(upgradeRequest({ url, key, headers }));
    });
    const feed = (chunk: Buffer) => {
      handlers.chunk();
      try {
        parser.push(chunk);
      } catch (err) {
        // A protocol violation by the server: recorded as 1002 (protocol error), like a browser would.
        closeCode = 1002;
        socket.destroy(err as Error);
      }
    };
    const onData = (chunk: Buffer) => {
      if (open) return feed(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const response = head.subarray(0, end).toString('latin1');
      if (!/^HTTP\/1\.1 101 /.test(response) || !response.includes(accept)) {
        clearTimeout(timer);
        socket.destroy();
        reject(new Error(`handshake refused: ${response.split('\r\n')[0]}`));
        return;
      }
      open = true;
      clearTimeout(timer);
      resolve(ws);
      const rest = head.subarray(end + 4);
      if (rest.length > 0) feed(rest);
    };
    socket.on('error', (err) => {
      clearTimeout(timer);
      if (!open) reject(err);
    });
    socket.on('close', () => {
      if (open) handlers.closed(closeCode);
    });
  });
}
