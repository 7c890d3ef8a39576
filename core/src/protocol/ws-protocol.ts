import type { Alert, Severity } from '../alerts/alert.ts';
import type { TokenRole } from '../auth/roles.ts';
import type { Source } from '../events/sources.ts';

/** Path of the WebSocket endpoint on the gateway. */
export const WS_PATH = '/ws';

export const CLIENT_OPS = ['subscribe', 'unsubscribe', 'ping', 'auth'] as const;
export const SERVER_OPS = [
  'subscribed',
  'unsubscribed',
  'alert',
  'update',
  'pong',
  'error',
  'authenticated',
] as const;
/** How long a socket opened without credentials may take to send its `auth` frame. */
export const WS_AUTH_TIMEOUT_MS = 5_000;
export type ClientOp = (typeof CLIENT_OPS)[number];
export type ServerOp = (typeof SERVER_OPS)[number];

/** Codes carried by `{"op":"error"}` frames. */
export const WS_ERROR_CODES = {
  badRequest: 'bad_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  /** Too many subscribes on one connection: wait a second. */
  tooManyRequests: 'too_many_requests',
  tooLarge: 'too_large',
  cursorExpired: 'cursor_expired',
  tooManyValues: 'too_many_values',
  internal: 'internal',
} as const;
export type WsErrorCode = (typeof WS_ERROR_CODES)[keyof typeof WS_ERROR_CODES];

/**
 * WebSocket close codes (RFC 6455 ranges: 1000–1015 standard, 4000–4999 private); the gateway sends all
 * but `clientTimeout`.
 * A client that sees `slowConsumer`, `resumeRequired` or `goingAway` should reconnect and resume from
 * its last cursor (`since`).
 */
export const WS_CLOSE_CODES = {
  normal: 1000,
  goingAway: 1001,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
  /**
   * Sent by the client, never the gateway: the dashboard closes a socket that answered no ping within its
   * pong timeout (sleep, lost Wi-Fi) and reconnects with `since`. A gateway log shows it as the close code.
   */
  clientTimeout: 4000,
  slowConsumer: 4008,
  /**
   * The gateway's alert feed lost part of the stream (it could not read a gap from the bus), so live
   * subscribers may have missed alerts: a resume from the last cursor reads them from the bus, or
   * answers cursor_expired when the bus no longer has them. (Not 4009: that was once `idleTimeout`.)
   */
  resumeRequired: 4010,
  /** No valid credentials (none within 5 s, a bad `auth` frame, or another frame first): sign in, then reconnect. */
  unauthorized: 4001,
  /** Valid credentials whose role may not subscribe (an ingest token). */
  forbidden: 4003,
  /** The session or token was revoked, expired or its user disabled while the socket was open. */
  credentialsRevoked: 4011,
  /** The credential of an `auth` frame already has as many sockets open as it may (the upgrade answers 429). */
  tooManySockets: 4029,
} as const;
// An idle socket (no frame or pong for 120 s) and a frame over the size limit are closed by uWebSockets.js
// itself, which the client sees as 1006 (abnormal closure): reconnect and resume from the last cursor.

export interface AlertFilter {
  severity?: Severity[];
  source?: Source[];
  service?: string[];
  ruleId?: string[];
}

export type ClientFrame =
  | { op: 'subscribe'; filter?: AlertFilter; since?: string }
  | { op: 'unsubscribe' }
  | { op: 'ping' }
  | { op: 'auth'; token: string };

export type ServerFrame =
  | { op: 'subscribed'; filter: AlertFilter; cursor: string }
  | { op: 'unsubscribed' }
  | { op: 'alert'; cursor: string; alert: Alert }
  /** The full current state of an existing episode after a change; replace by `id` when `revision` is higher. */
  | { op: 'update'; cursor: string; alert: Alert }
  | { op: 'pong' }
  | { op: 'authenticated'; name: string; role: TokenRole; scope: AlertFilter | null }
  | { op: 'error'; code: WsErrorCode; message: string };
