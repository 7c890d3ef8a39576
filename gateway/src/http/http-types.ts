/**
 * The HTTP boundary between the uWebSockets.js transport (gateway/src/transport/) and the route handlers
 * (gateway/src/http/): handlers never see uWS objects, so they are tested with plain objects.
 */
export interface HttpRequest {
  method: string;
  /** Path without the query string, e.g. `/api/alerts/abc`. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The whole request body (empty for GET); the transport enforces the size limit before calling. */
  body: Buffer;
  /** Remote address as text, for logs. */
  remoteAddress: string;
  /** Aborted when the client goes before the answer is written (the transport sets it; tests may not). */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Uint8Array;
  /**
   * A long-lived body instead of `body` (server-sent events): the transport writes the status and headers,
   * then calls this exactly once with the open stream. When the client is already gone (it aborted, or the
   * request was a HEAD, or the server is stopping) the stream it gets is closed and its onClose runs at once.
   */
  stream?: (stream: ResponseStream) => void;
}

/** The writable end of a streamed response body; the transport keeps it (transport/response-stream.ts). */
export interface ResponseStream {
  /** Sends text; false when the client is not keeping up and the transport buffered it (or the stream is closed). */
  write(chunk: string): boolean;
  /** Bytes written that the client has not taken yet, as far as the transport knows (0 when it keeps up). */
  bufferedBytes(): number;
  /** Ends the body; the client sees the stream close. Idempotent. */
  end(): void;
  /** Drops the connection at once (a client that stopped reading). Idempotent. */
  destroy(): void;
  readonly closed: boolean;
  /** Runs once when the stream closes for any reason: end(), destroy(), the client leaving, the server stopping. */
  onClose(listener: () => void): void;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpResponse>;
