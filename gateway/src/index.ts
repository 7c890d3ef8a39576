// HTTP: REST history, HTTP ingest, static dashboard, OpenAPI (gateway/src/http/).

export { type Authenticator, bearerSecret, SESSION_COOKIE } from './auth/authenticator.ts';
export { ADMIN_USERNAME, bootstrapIdentities, signInUrl } from './auth/bootstrap.ts';
export {
  type AuthConfig,
  configureAuth,
  DEFAULT_AUTH_CONFIG,
} from './auth/configure-auth.ts';
export { createGatewayAuth, type GatewayAuth, type GatewayAuthOptions } from './auth/gateway-auth.ts';
export { hashPassword } from './auth/passwords.ts';
export { DEFAULT_RATE_LIMITS, type RateLimitConfig } from './auth/rate-limits.ts';
export { hashSecret, mintSecret } from './auth/secrets.ts';
export { signInBanner } from './auth/sign-in-banner.ts';
export { DEFAULT_SOCKET_CAPS, type SocketCaps } from './auth/ws-admission.ts';
// Live side: uWS transport, WebSocket fan-out, alert feed (gateway/src/transport, fanout, feed; their shared
// contracts in live/live-types.ts; composed in gateway-service.ts).
export type { Connection, WsHandlers } from './fanout/connection.ts';
export { createFanout, type Fanout, type FanoutOptions, type FanoutStats } from './fanout/fanout.ts';
export { DEFAULT_FANOUT_LIMITS, type FanoutLimits, hardBackpressureLimit } from './fanout/fanout-limits.ts';
export {
  type AlertFeed,
  type AlertFeedOptions,
  createAlertFeed,
  type FeedStatus,
} from './feed/alert-feed.ts';
export { type CursorCodec, createCursorCodec } from './feed/cursor.ts';
export { DEFAULT_FEED_LIMITS, type FeedLimits } from './feed/feed-limits.ts';
export {
  createGatewayService,
  DEFAULT_STATIC_DIR,
  type GatewayService,
  type GatewayServiceOptions,
} from './gateway-service.ts';
export { createHttpRouter, type HttpRouter, type HttpRouterOptions } from './http/create-http-router.ts';
export { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http/http-limits.ts';
export type {
  EventKeyFn,
  EventPublisher,
  HealthProbe,
  HttpAlertStore,
} from './http/http-ports.ts';
export type { HttpHandler, HttpRequest, HttpResponse } from './http/http-types.ts';
export { buildOpenApiDocument, OPENAPI_PATH } from './http/openapi.ts';
export { createLiveMetrics } from './live/live-metrics.ts';
export {
  type AlertHistory,
  type AlertSink,
  CursorExpiredError,
  type LiveMetrics,
  type LostRange,
  type RingEntry,
} from './live/live-types.ts';
export { createGatewayNotifications } from './notifications/gateway-notifications.ts';
export type { GatewayNotifications } from './notifications/notification-ports.ts';
export { DEFAULT_TRANSPORT_LIMITS, type TransportLimits } from './transport/transport-limits.ts';
export { createUwsServer, type UwsServer, type UwsServerOptions } from './transport/uws-server.ts';
