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
}

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Uint8Array;
}

export type HttpHandler = (request: HttpRequest) => Promise<HttpResponse>;
