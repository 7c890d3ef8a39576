import type { Rng } from '../random/rng.ts';
import {
  CLIENTS,
  chargeId,
  durationMs,
  money,
  orderId,
  PEERS,
  PSPS,
  requestId,
  SEARCH_TERMS,
  sessionId,
  sku,
  uuid,
} from './log-parts.ts';

/**
 * Log line templates per service and level. Only ERROR and CRITICAL lines (and a few WARN retries) say
 * "failed", so `logs.failed-message` fires at about the error rate, never from routine INFO lines.
 */
export interface LogContext {
  userId: string | undefined;
  /** Median request latency (ms) of the service at the current load. */
  latencyMs: number;
}
export type Template = (r: Rng, c: LogContext) => string;

export interface ServiceTemplates {
  routes: readonly ((r: Rng) => string)[];
  info: readonly Template[];
  debug: readonly Template[];
  warn: readonly Template[];
  error: readonly Template[];
  critical: readonly Template[];
}

const OK_STATUSES = [200, 200, 200, 200, 200, 201, 204, 304, 400, 401, 404, 409, 422] as const;

/** An access-log line: `POST /api/v1/payments/charges 201 182ms req_id=req_… client=web`. */
export function accessLine(r: Rng, route: string, status: number, latencyMs: number): string {
  return `${route} ${status} ${durationMs(r, latencyMs)} req_id=${requestId(r)} client=${r.pick(CLIENTS)}`;
}
const okAccess =
  (routes: readonly ((r: Rng) => string)[]): Template =>
  (r, c) =>
    accessLine(r, r.pick(routes)(r), r.pick(OK_STATUSES), c.latencyMs);
const serverError =
  (routes: readonly ((r: Rng) => string)[]): Template =>
  (r, c) =>
    `${accessLine(r, r.pick(routes)(r), r.pick([500, 502, 503, 504]), c.latencyMs * 4)} error="${r.pick([
      'upstream connect error or disconnect/reset before headers',
      'context deadline exceeded',
      'internal error',
    ])}"`;

const common = (service: keyof typeof PEERS) => ({
  debug: [
    (r: Rng) =>
      `cache ${r.chance(0.9) ? 'hit' : 'miss'} key=${service}:${r.hex(8)} ${durationMs(r, 0.6, 0.5)}`,
    (r: Rng) =>
      `acquired db connection pool=${service}-primary in_use=${r.int(2, 18)}/40 ${durationMs(r, 1.2)}`,
    (r: Rng) =>
      `feature flag evaluated flag=${r.pick(['new-ranking', 'fast-checkout', 'passkeys'])} value=${r.chance(0.3)}`,
  ],
  warn: [
    (r: Rng) =>
      `slow query ${r.int(450, 790)}ms table=${r.pick(['orders', 'sessions', 'stock_levels', 'outbox'])} rows=${r.int(1, 5000)}`,
    (r: Rng) =>
      `retrying call to ${r.pick(PEERS[service])} attempt=2/3 after ${r.pick([100, 200, 400])}ms status=${r.pick([429, 503])}`,
    (r: Rng) =>
      `request body over soft limit size=${r.int(256, 900)}KiB route=${r.pick(['/api/v1/import', '/api/v1/batch'])}`,
    (r: Rng) => `deprecated API version used version=v1 client=${r.pick(CLIENTS)}`,
  ],
  error: [
    (r: Rng) =>
      `call to ${r.pick(PEERS[service])} failed after 3 attempts: ${r.pick(['ECONNRESET', 'ETIMEDOUT', 'socket hang up'])}`,
    (r: Rng) =>
      `unhandled error TypeError: Cannot read properties of undefined (reading '${r.pick(['id', 'items', 'amount'])}') at ${service}/src/handlers/${r.pick(['create', 'update', 'get'])}.ts:${r.int(20, 240)}`,
    (r: Rng) =>
      `failed to publish event topic=${service}-events partition=${r.int(0, 11)}: KafkaJSRequestTimeoutError`,
  ],
  critical: [
    (r: Rng) =>
      `database connection lost host=pg-${service}-primary error="terminating connection due to administrator command" reconnecting in ${r.int(1, 5)}s`,
    () => `circuit breaker OPEN upstream=${PEERS[service][0]} failures=50/60s`,
  ],
});

const route =
  (method: string, path: (r: Rng) => string) =>
  (r: Rng): string =>
    `${method} ${path(r)}`;

function service(
  name: keyof typeof PEERS,
  routes: ((r: Rng) => string)[],
  info: Template[],
): ServiceTemplates {
  const c = common(name);
  return {
    routes,
    info: [okAccess(routes), okAccess(routes), okAccess(routes), ...info],
    debug: c.debug,
    warn: c.warn,
    error: [serverError(routes), ...c.error],
    critical: c.critical,
  };
}

export const TEMPLATES: Record<string, ServiceTemplates> = {
  payments: service(
    'payments',
    [
      route('POST', () => '/api/v1/payments/charges'),
      route('POST', () => '/api/v1/payments/refunds'),
      route('GET', (r) => `/api/v1/payments/${chargeId(r)}`),
      route('POST', (r) => `/api/v1/payments/webhooks/${r.pick(PSPS)}`),
    ],
    [
      (r) => `charge captured charge=${chargeId(r)} amount=${money(r, 45)} psp=${r.pick(PSPS)}`,
      (r) =>
        `3-D Secure challenge completed charge=${chargeId(r)} outcome=${r.chance(0.95) ? 'authenticated' : 'attempted'}`,
      (r) => `settlement batch posted batch=${uuid(r)} items=${r.int(40, 900)}`,
    ],
  ),
  checkout: service(
    'checkout',
    [
      route('POST', () => '/api/v1/checkout/sessions'),
      route('POST', (r) => `/api/v1/checkout/sessions/${sessionId(r)}/confirm`),
      route('PUT', () => '/api/v1/cart/items'),
      route('GET', () => '/api/v1/cart'),
    ],
    [
      (r, c) =>
        `order placed order=${orderId(r)} items=${r.int(1, 6)} total=${money(r, 60)} user=${c.userId ?? 'guest'}`,
      (r) => `cart merged anonymous=${uuid(r)} items=${r.int(1, 4)}`,
      (r) => `promo code applied code=${r.pick(['WELCOME10', 'FREESHIP', 'SPRING15'])} order=${orderId(r)}`,
    ],
  ),
  auth: service(
    'auth',
    [
      route('POST', () => '/oauth/token'),
      route('POST', () => '/api/v1/sessions'),
      route('DELETE', (r) => `/api/v1/sessions/${sessionId(r)}`),
      route('GET', () => '/.well-known/jwks.json'),
    ],
    [
      (r, c) =>
        `session created user=${c.userId ?? 'unknown'} mfa=${r.pick(['totp', 'passkey', 'none'])} session=${sessionId(r)}`,
      (r, c) => `token refreshed user=${c.userId ?? 'unknown'} client=${r.pick(CLIENTS)} ttl=3600s`,
      (r) => `signing key rotation check kid=${r.hex(16)} next_rotation_in=${r.int(2, 29)}d`,
    ],
  ),
  search: service(
    'search',
    [
      route('GET', (r) => `/api/v1/search?q=${encodeURIComponent(r.pick(SEARCH_TERMS))}&page=${r.int(1, 4)}`),
      route('GET', (r) => `/api/v1/suggest?prefix=${r.pick(SEARCH_TERMS).slice(0, r.int(2, 5))}`),
    ],
    [
      (r) => `query executed index=products-v${r.int(41, 43)} hits=${r.int(0, 4800)} took=${r.int(3, 60)}ms`,
      (r) =>
        `index refresh completed index=products-v43 docs=${r.int(1_200_000, 1_250_000)} ${durationMs(r, 900)}`,
    ],
  ),
  inventory: service(
    'inventory',
    [
      route('GET', (r) => `/api/v1/stock/${sku(r)}`),
      route('POST', () => '/api/v1/reservations'),
      route('DELETE', (r) => `/api/v1/reservations/${uuid(r)}`),
    ],
    [
      (r) => `stock reserved sku=${sku(r)} qty=${r.int(1, 3)} warehouse=${r.pick(['AMS1', 'FRA2', 'IAD1'])}`,
      (r) => `warehouse sync applied updates=${r.int(10, 2000)} lag=${r.int(1, 9)}s`,
    ],
  ),
  notifications: service(
    'notifications',
    [route('POST', () => '/api/v1/notifications/email'), route('POST', () => '/api/v1/notifications/push')],
    [
      (r, c) =>
        `delivered ${r.pick(['email', 'push'])} template=${r.pick(['order_confirmation', 'password_reset', 'shipping_update'])} user=${c.userId ?? 'unknown'} ${durationMs(r, 120)}`,
      (r) => `digest batch queued recipients=${r.int(100, 5000)} template=weekly_picks`,
    ],
  ),
};
