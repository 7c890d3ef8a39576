// The one import of uWebSockets.js in Vigil: everything else sees plain objects (http-types.ts) or the
// Connection interface (fanout/connection.ts), so a uWS upgrade or swap stays in this file.
import * as uws from 'uWebSockets.js';
import { STATUS_CODES } from 'node:http';
import type { Principal } from '@vigil/core';
import { WS_CLOSE_CODES, WS_PATH } from '@vigil/core';
import type { Logger } from 'pino';
import type { AdmitUpgrade, Connection, WsHandlers } from '../fanout/connection.ts';
import type { HttpHandler, HttpRequest, HttpResponse } from '../http/http-types.ts';
import { createFramingGuard } from './framing-guard.ts';
import { createInFlightBytes } from './in-flight-bytes.ts';
import { closedResponseStream, createResponseStream, type TransportStream } from './response-stream.ts';
import { DEFAULT_TRANSPORT_LIMITS, type TransportLimits } from './transport-limits.ts';

export interface UwsServerOptions {
  host: string;
  /** 0: the OS picks a free port (start() returns it). */
  port: number;
  http: HttpHandler;
  ws: WsHandlers;
  /** Decides each upgrade (origin, credentials, caps) before the socket exists; may take a database read. */
  admitUpgrade: AdmitUpgrade;
  limits?: Partial<TransportLimits>;
  logger: Logger;
}

export interface UwsServer {
  start(): Promise<{ port: number }>;
  /** Refuses upgrades, closes every WebSocket with 1001, ends streamed bodies, closes the listen socket, waits for HTTP in flight. */
  stop(): Promise<void>;
  /** uWS native pub/sub: one call reaches every socket subscribed to `topic`. */
  publish(topic: string, frame: string): void;
  readonly port: number;
}

interface SocketData {
  id: number;
  ip: string;
  principal: Principal | null;
  conn?: WsConnection;
}

interface WsConnection extends Connection {
  markClosed(): void;
}

/** One HTTP request's life: answered (`done`), gone (`aborted`), counted out of the in-flight total (`settled`). */
interface Exchange {
  aborted: boolean;
  done: boolean;
  settled: boolean;
  /** Body bytes this request holds against its client's in-flight budget, and under which keys. */
  held: number;
  keys: readonly string[];
  /** Set once a streamed body (HttpResponse.stream) is open: told when the client leaves. */
  stream?: TransportStream;
}

const text = (buffer: ArrayBuffer): string => Buffer.from(buffer).toString('utf8');
const statusLine = (status: number) => `${status} ${STATUS_CODES[status] ?? 'Unknown'}`;

function wrapSocket(ws: uws.WebSocket<SocketData>, data: SocketData): WsConnection {
  let closed = false;
  return {
    id: data.id,
    ip: data.ip,
    principal: data.principal,
    get closed() {
      return closed;
    },
    markClosed: () => {
      closed = true;
    },
    // uWS: 0 = queued with backpressure, 1 = sent, 2 = dropped at maxBackpressure.
    send: (frame) => !closed && ws.send(frame, false, false) !== 2,
    bufferedAmount: () => (closed ? 0 : ws.getBufferedAmount()),
    subscribe: (topic) => {
      if (!closed) ws.subscribe(topic);
    },
    unsubscribe: (topic) => {
      if (!closed) ws.unsubscribe(topic);
    },
    close: (code, reason) => {
      if (!closed) ws.end(code, reason);
    },
  };
}

/**
 * The gateway's single port on uWebSockets.js: every HTTP request goes to one HttpHandler as plain
 * objects, and `/ws` upgrades to WebSockets driven by WsHandlers.
 */
export function createUwsServer(options: UwsServerOptions): UwsServer {
  const limits = { ...DEFAULT_TRANSPORT_LIMITS, ...options.limits };
  const logger = options.logger.child({ module: 'uws-server' });
  const { ws: handlers, admitUpgrade } = options;
  const app = uws.App();
  const framing = createFramingGuard();
  const bodyBytes = createInFlightBytes(limits.maxInFlightBodyBytesPerClient);
  const sockets = new Set<WsConnection>();
  const streams = new Set<TransportStream>();
  let listenSocket: uws.us_listen_socket | null = null;
  let port = 0;
  let stopping = false;
  let nextId = 0;
  let inFlight = 0;
  let idle: (() => void) | null = null;

  const respond = (
    res: uws.HttpResponse,
    exchange: Exchange,
    method: string,
    response: HttpResponse,
    closeConnection = false,
  ) => {
    // Writing to an aborted uWS response is invalid (and it may already be reused).
    if (exchange.aborted || exchange.done) return response.stream?.(closedResponseStream());
    exchange.done = true;
    const close = closeConnection || stopping;
    const streamed = response.stream !== undefined && method !== 'HEAD' && !close;
    res.cork(() => {
      res.writeStatus(statusLine(response.status));
      for (const [name, value] of Object.entries(response.headers ?? {})) {
        // uWS writes Content-Length itself from the body it is given.
        if (name.toLowerCase() !== 'content-length') res.writeHeader(name, value);
      }
      if (streamed) openStream(res, exchange, response.stream!);
      else if (method !== 'HEAD') res.end(response.body, close);
      else if (close) res.endWithoutBody(Buffer.byteLength(response.body), true);
      else {
        // Not endWithoutBody(length) on a kept connection: uWS 20 then drops the connection at the next
        // request on it (a keep-alive client's request after a HEAD got no answer), and an explicit
        // `undefined` length makes it announce 2^63. The header written here says the same length.
        res.writeHeader('content-length', String(Buffer.byteLength(response.body)));
        res.endWithoutBody();
      }
    });
    if (response.stream && !streamed) response.stream(closedResponseStream());
  };
  /** A streamed body stays open after its handler returned: it is not in flight, stop() ends it. */
  const openStream = (
    res: uws.HttpResponse,
    exchange: Exchange,
    start: NonNullable<HttpResponse['stream']>,
  ) => {
    const stream = createResponseStream(res);
    exchange.stream = stream;
    streams.add(stream);
    stream.onClose(() => streams.delete(stream));
    try {
      start(stream);
    } catch (err) {
      logger.error({ err }, 'HTTP stream start threw');
      stream.destroy();
    }
  };
  const jsonError = (status: number, error: string, details?: unknown): HttpResponse => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(details === undefined ? { error } : { error, details }),
  });

  const settle = (exchange: Exchange) => {
    if (exchange.settled) return;
    exchange.settled = true;
    bodyBytes.release(exchange.keys, exchange.held);
    exchange.held = 0;
    inFlight -= 1;
    if (inFlight === 0) idle?.();
  };

  const handle = async (res: uws.HttpResponse, exchange: Exchange, request: HttpRequest) => {
    try {
      const response = stopping ? jsonError(503, 'shutting down') : await options.http(request);
      respond(res, exchange, request.method, response);
    } catch (err) {
      // Handlers map their own errors; reaching here is a bug, answered without detail.
      logger.error({ err, method: request.method, path: request.path }, 'HTTP handler threw');
      respond(res, exchange, request.method, {
        status: 500,
        headers: { 'content-type': 'text/plain' },
        body: 'internal error',
      });
    } finally {
      settle(exchange);
    }
  };

  app.any('/*', (res, req) => {
    const remoteAddress = text(res.getRemoteAddressAsText());
    // A request smuggled behind a conflicting Content-Length (see framing-guard.ts) is never run. It is
    // refused in words rather than by res.close(): closing would also discard the 400 still being sent.
    if (framing.isQuarantined(remoteAddress)) {
      const refused: Exchange = { aborted: false, done: false, settled: true, held: 0, keys: [] };
      const answer = jsonError(400, 'refused: follows a framing error from this address');
      respond(res, refused, req.getCaseSensitiveMethod().toUpperCase(), answer, true);
      return;
    }
    // uWS's req is valid only in this synchronous call: copy everything needed now. Header names are the
    // client's: null-prototype, so `constructor` or `__proto__` are headers like any other.
    const headers = Object.create(null) as Record<string, string>;
    req.forEach((name, value) => {
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    });
    // Aborted when the client goes before the answer: long handlers (a backtest) stop their work.
    const gone = new AbortController();
    const request: Omit<HttpRequest, 'body'> = {
      method: req.getCaseSensitiveMethod().toUpperCase(),
      path: req.getUrl(),
      query: new URLSearchParams(req.getQuery() ?? ''),
      headers,
      remoteAddress,
      signal: gone.signal,
    };
    // The Authorization header as it came (unverified: a budget needs no proof, only a key).
    const keys = headers.authorization
      ? [`ip:${remoteAddress}`, `auth:${headers.authorization}`]
      : [`ip:${remoteAddress}`];
    const exchange: Exchange = { aborted: false, done: false, settled: false, held: 0, keys };
    inFlight += 1;
    res.onAborted(() => {
      exchange.aborted = true;
      exchange.stream?.aborted();
      settle(exchange);
      gone.abort();
    });
    const tooLarge = () => {
      // The rest of the body is not read: the connection closes with the answer.
      const answer = jsonError(413, 'body too large', { limit: limits.maxBodyBytes });
      respond(res, exchange, request.method, answer, true);
      settle(exchange);
    };
    const length = headers['content-length'];
    if (framing.conflicting(length)) {
      framing.quarantine(remoteAddress);
      const answer = jsonError(400, 'conflicting Content-Length headers', { contentLength: length });
      respond(res, exchange, request.method, answer, true);
      settle(exchange);
      return;
    }
    const declared = Number(length?.split(',')[0] ?? 0);
    if (declared > limits.maxBodyBytes) return tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    // uWS calls onData once with isLast even for an empty body, so every request goes this way.
    res.onData((chunk, isLast) => {
      if (exchange.done || exchange.aborted) return;
      size += chunk.byteLength;
      if (size > limits.maxBodyBytes) return tooLarge(); // chunked body without a declared length
      if (!bodyBytes.take(exchange.keys, chunk.byteLength)) {
        const answer = jsonError(429, 'too many request bytes in flight from this client; retry later', {
          limit: limits.maxInFlightBodyBytesPerClient,
        });
        respond(
          res,
          exchange,
          request.method,
          { ...answer, headers: { ...answer.headers, 'retry-after': '1' } },
          true,
        );
        settle(exchange);
        return;
      }
      exchange.held += chunk.byteLength;
      // uWS reuses the chunk's memory after this callback: copy it.
      chunks.push(Buffer.from(new Uint8Array(chunk)));
      if (isLast) void handle(res, exchange, { ...request, body: Buffer.concat(chunks, size) });
    });
  });

  app.ws<SocketData>(WS_PATH, {
    // uws.DISABLED (0): its typings declare the constant as a type only. Alerts are small JSON; per-message
    // deflate would cost CPU per socket and break the publish-once saving.
    compression: 0,
    maxPayloadLength: limits.maxPayloadLength,
    idleTimeout: limits.idleTimeoutSeconds,
    sendPingsAutomatically: true,
    maxBackpressure: limits.maxBackpressure,
    // Safety net only: the fan-out closes slow clients with 4008 well before this limit.
    closeOnBackpressureLimit: true,
    upgrade(res, req, context) {
      if (stopping) {
        res.writeStatus(statusLine(503)).end('shutting down');
        return;
      }
      // req is valid only in this synchronous call; the verdict may need the database (a session lookup).
      const headers = Object.create(null) as Record<string, string>;
      req.forEach((name, value) => {
        headers[name] = value;
      });
      const ip = text(res.getRemoteAddressAsText());
      let aborted = false;
      res.onAborted(() => {
        aborted = true;
      });
      const refuse = (status: number, message: string) => {
        if (!aborted) res.cork(() => res.writeStatus(statusLine(status)).end(message));
      };
      admitUpgrade(headers, ip).then(
        (verdict) => {
          if (aborted) return;
          if (stopping) return refuse(503, 'shutting down');
          if (!verdict.ok) {
            logger.info(
              { ip, origin: headers.origin, status: verdict.status },
              `WebSocket upgrade refused: ${verdict.message}`,
            );
            return refuse(verdict.status, verdict.message);
          }
          nextId += 1;
          const data: SocketData = { id: nextId, ip: verdict.ip ?? ip, principal: verdict.principal };
          // Not inside res.cork: after an await, cork()'s post-handler logic may read the response state from
          // memory that is now the WebSocket and close the new socket at once (1006 right after open, about
          // one upgrade in five here; uNetworking/uWebSockets#1928, fixed upstream by #1929). Uncorked, uWS
          // prints its "writes must be made from within a corked callback" warning once; the 101 is one write.
          res.upgrade<SocketData>(
            data,
            headers['sec-websocket-key'] ?? '',
            headers['sec-websocket-protocol'] ?? '',
            headers['sec-websocket-extensions'] ?? '',
            context,
          );
        },
        (err: unknown) => {
          // An outage of the database behind sessions: the client may retry; nothing about it is a bug.
          logger.warn({ err, ip }, 'WebSocket upgrade could not be decided');
          refuse(503, 'could not check credentials, retry later');
        },
      );
    },
    open(ws) {
      const data = ws.getUserData();
      const conn = wrapSocket(ws, data);
      data.conn = conn;
      sockets.add(conn);
      guard(conn, () => handlers.open(conn));
    },
    message(ws, message, isBinary) {
      const conn = ws.getUserData().conn!;
      const frame = isBinary ? null : text(message);
      guard(conn, () => handlers.message(conn, frame));
    },
    drain(ws) {
      const conn = ws.getUserData().conn!;
      guard(conn, () => handlers.drain(conn));
    },
    dropped(ws) {
      // Runs inside uWS's send path: record only; closing here would re-enter uWS (it crashes).
      const conn = ws.getUserData().conn!;
      guard(conn, () => handlers.dropped(conn));
    },
    close(ws, code, message) {
      const conn = ws.getUserData().conn;
      if (!conn) return;
      conn.markClosed();
      sockets.delete(conn);
      guard(conn, () => handlers.close(conn, code, text(message)));
    },
  });

  /** A throwing WS handler is a bug: log it and close that socket, never the process. */
  const guard = (conn: WsConnection, run: () => void) => {
    try {
      run();
    } catch (err) {
      logger.error({ err, connId: conn.id }, 'WebSocket handler threw');
      conn.close(WS_CLOSE_CODES.internalError, 'internal error');
    }
  };

  return {
    get port() {
      return port;
    },
    publish(topic, frame) {
      app.publish(topic, frame, false, false);
    },
    start() {
      return new Promise((resolve, reject) => {
        app.listen(options.host, options.port, (socket) => {
          if (!socket) {
            reject(new Error(`could not listen on ${options.host}:${options.port}`));
            return;
          }
          listenSocket = socket;
          // The listen socket is a socket to uSockets; the typings keep the two apart.
          port = uws.us_socket_local_port(socket as unknown as uws.us_socket);
          logger.info({ host: options.host, port }, 'listening');
          resolve({ port });
        });
      });
    },
    async stop() {
      if (stopping) return;
      // 1. refuse: new upgrades get 503 and new HTTP requests 503 with Connection: close.
      stopping = true;
      // 2. tell every WebSocket client to go elsewhere (they reconnect and resume from their cursor).
      for (const conn of [...sockets]) conn.close(WS_CLOSE_CODES.goingAway, 'server shutting down');
      // 2b. streamed bodies end (their owners have said goodbye already if they wanted to).
      for (const stream of [...streams]) stream.end();
      // 3. no new TCP connections.
      if (listenSocket) uws.us_listen_socket_close(listenSocket);
      listenSocket = null;
      // 4. let HTTP handlers in flight answer, then close whatever is left (idle keep-alive sockets).
      if (inFlight > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, limits.stopGraceMs);
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      app.close();
      logger.info({ port }, 'stopped');
    },
  };
}
