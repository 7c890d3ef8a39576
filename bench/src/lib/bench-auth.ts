/**
 * How the bench authenticates: exactly as a tool would. Every gateway it starts gets the harness's test
 * admin token (VIGIL_ADMIN_TOKEN) and every request and WebSocket upgrade sends it as
 * `Authorization: Bearer`. Auth is never turned off; the rate limiter stays in the measured path with
 * limits far above any rate measured here, so the figures include the cost of both.
 */
import { adminHeaders, TEST_ADMIN_TOKEN } from '@vigil/harness/programs';

/**
 * Requests/s per credential, per IP and per ingest token: a billion, far above what one loopback client
 * can send, so the limiter counts every request but never refuses one (the defaults, 200/400/100 per
 * second, would turn a throughput bench from one IP with one token into a measurement of 429s).
 */
export const BENCH_RATE_LIMIT = 1_000_000_000;

/** `Authorization: Bearer <TEST_ADMIN_TOKEN>`, for fetch, autocannon and WebSocket upgrades. */
export const benchAuthHeaders: (extra?: Record<string, string>) => Record<string, string> = adminHeaders;

export const BENCH_ADMIN_TOKEN = TEST_ADMIN_TOKEN;

/** The auth part of a gateway child's environment (core's authVars). */
export const BENCH_GATEWAY_AUTH_ENV: Readonly<Record<string, string>> = {
  VIGIL_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
  RATE_LIMITS: 'true',
  RATE_LIMIT_API: String(BENCH_RATE_LIMIT),
  RATE_LIMIT_IP: String(BENCH_RATE_LIMIT),
  RATE_LIMIT_INGEST: String(BENCH_RATE_LIMIT),
};

/** The note every report measuring a gateway carries. */
export const AUTH_NOTE =
  'Authenticated as a tool is: every request and WebSocket upgrade sends `Authorization: Bearer` with an ' +
  'admin API token (VIGIL_ADMIN_TOKEN); the rate limiter counts every request, with limits raised to ' +
  `${BENCH_RATE_LIMIT.toExponential(0)}/s (RATE_LIMIT_API, RATE_LIMIT_IP, RATE_LIMIT_INGEST) so it never ` +
  'refuses one; any non-2xx answer fails the suite.';

/** The fan-out and resume suites: WebSockets only, which no request rate limit applies to. */
export const WS_AUTH_NOTE =
  'Vigil is used as a tool would use it: each WebSocket upgrade sends `Authorization: Bearer` with an admin API ' +
  "token, checked against the gateway's identities (an in-memory PGlite database in the server process); the " +
  'socket caps per IP and per credential stay on, raised above the client counts (every client is 127.0.0.1 with ' +
  'one token). The baselines (raw uWS, ws, Socket.IO) check nothing.';
