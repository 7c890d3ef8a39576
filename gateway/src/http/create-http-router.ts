import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type Archive, decide, type Principal, type Source, WS_PATH } from '@vigil/core';
import type { Rule } from '@vigil/core/rules';
import type { AlertStore, SilenceStore } from '@vigil/db';
import type { BacktestLimits } from '@vigil/processor';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { GatewayAuth } from '../auth/gateway-auth.ts';
import { withSecurityHeaders } from '../auth/security-headers.ts';
import type { EvidenceLimits } from '../evidence/evidence-limits.ts';
import type { GatewayNotifications } from '../notifications/notification-ports.ts';
import type { EventTail } from '../tail/event-tail.ts';
import { createAlertChanges } from './alert-changes.ts';
import { alertRoutes } from './alerts-routes.ts';
import { auditRoutes } from './audit-routes.ts';
import { authRoutes } from './auth-routes.ts';
import { backtestRoute } from './backtest-route.ts';
import { channelRoutes } from './channel-routes.ts';
import { evidenceRoutes } from './evidence-routes.ts';
import { type ExplorerStore, explorerRoutes } from './explorer-routes.ts';
import { eventStreamRoute } from './explorer-stream-route.ts';
import { fixedRuleStore } from './fixed-rule-store.ts';
import { errorResponse, HttpError } from './http-errors.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http-limits.ts';
import { createHttpMetrics } from './http-metrics.ts';
import type { EventKeyFn, EventPublisher, HealthProbe, HttpAlertStore } from './http-ports.ts';
import type { HttpHandler, HttpRequest, HttpResponse } from './http-types.ts';
import { ingestRoute } from './ingest-route.ts';
import { lifecycleRoutes } from './lifecycle-routes.ts';
import { notificationLogRoute } from './notification-log-route.ts';
import { policyRoutes } from './notification-policy-routes.ts';
import { buildOpenApiDocument, openApiRoute } from './openapi.ts';
import { opsRoutes } from './ops-routes.ts';
import { createResponseCache } from './response-cache.ts';
import type { AuditInput, Caller, Route } from './route.ts';
import { type HttpRuleStore, ruleRoutes } from './rules-routes.ts';
import { silenceRoutes } from './silence-routes.ts';
import { createStaticFiles } from './static-files.ts';
import { statsRoutes } from './stats-routes.ts';
import { tokenRoutes } from './token-routes.ts';
import { userRoutes } from './user-routes.ts';

export interface HttpRouterOptions {
  store: HttpAlertStore;
  /** Where HTTP ingest publishes events and the lifecycle routes publish the alerts they change. */
  bus: EventPublisher;
  /** The alerts topic (`topicNames(prefix).alerts`): a status change is published there for every gateway. */
  alertsTopic: string;
  /** The rules in force (core's `Rule`, defaults filled in), for `GET /api/rules` when there is no `ruleStore`. */
  rules: readonly Rule[];
  /** The rules store behind `/api/rules…` (processor/RULES.md, "Managing rules"); without it they are read-only. */
  ruleStore?: HttpRuleStore;
  /** Bounds of `POST /api/rules/backtest` (defaults in processor/src/backtest/backtest-limits.ts). */
  backtestLimits?: Partial<BacktestLimits>;
  /** Named probes of `GET /api/health`, e.g. `{ database: () => store.ping() }`. */
  health: Readonly<Record<string, HealthProbe>>;
  /** Serves `GET /metrics`; the router adds its own request histogram and ingest counter to it. */
  registry: Registry;
  /** The built dashboard (ui/build); without it only the API is served. */
  staticDir?: string;
  logger: Logger;
  now: () => number;
  limits?: Partial<HttpLimits>;
  /** Bus key of an ingested event; default null (round-robin). */
  eventKey?: EventKeyFn;
  /** Topic of each source's events (`topicNames(prefix).events[source]`). */
  topicOf: (source: Source) => string;
  /** Identities, credentials, limits and the audit log: every route but the public ones needs a principal. */
  auth: GatewayAuth;
  /** The raw-event archive, read by `GET /api/alerts/{id}/events`; without it that route answers 503. */
  archive?: Pick<Archive, 'get' | 'list'>;
  evidenceLimits?: Partial<EvidenceLimits>;
  /** The event store and risk ranking of `GET /api/events|metrics/timeseries|entities`; without it they answer 503. */
  explorer?: ExplorerStore;
  /** The live tail of raw events behind `GET /api/stream/events`; without it that route is not served. */
  eventTail?: EventTail;
  /** Silences (`/api/silences`); without it those routes answer 503. */
  silences?: SilenceStore;
  /** Channels, the policy, the delivery log and channel tests; without it those routes answer 503. */
  notifications?: GatewayNotifications;
}

/** The handler, plus the routes it serves (what the OpenAPI document lists). */
export interface HttpRouter extends HttpHandler {
  readonly routes: readonly Route[];
  /** Drops cached history reads; the gateway calls it for every alert its feed receives. */
  invalidate(): void;
}

/** History reads whose answers are cached between alerts (see response-cache.ts). */
const CACHED_ROUTES = new Set(['/api/alerts', '/api/stats/summary', '/api/stats/timeline', '/api/services']);
/** Staleness bound for changes this gateway is not told about, e.g. a status set through another gateway. */
const CACHE_TTL_MS = 1_000;

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Paths that are never the dashboard's, so a miss there is a JSON 404, not the SPA page. */
const NON_UI_PREFIXES = ['/api', '/metrics', WS_PATH];
const isApiPath = (path: string) => NON_UI_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** A client's X-Request-Id is kept when it looks like an id (it goes into every log line of the request). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Probed by load balancers and container health checks under whatever Host they use; it tells nothing. */
const HOST_CHECK_EXEMPT = new Set(['/api/health']);

/** What the router learns about one request as it goes: for the metrics label and every answer's headers. */
interface Exchange {
  /** The route template once one matched (the metrics label), `static`, or `unmatched`. */
  route: string;
  requestId: string;
  /** `RateLimit-*` of the limiter that counted the request. */
  rateHeaders: Record<string, string>;
}

/** The key cached answers are shared under: principals with the same scope see the same alerts. */
const scopeKey = (principal: Principal | null) => (principal?.scope ? JSON.stringify(principal.scope) : '*');

/** Builds the whole HTTP side of the gateway as one function from request to response. */
export function createHttpRouter(options: HttpRouterOptions): HttpRouter {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const logger = options.logger.child({ module: 'http' });
  const metrics = createHttpMetrics(options.registry);
  const { store, now, auth } = options;
  const ruleStore = options.ruleStore ?? fixedRuleStore(options.rules, now());
  const notificationStore = options.notifications?.store;
  // Status changes and silences publish the alerts they change alike, where the processor publishes episodes.
  const publishChanges = createAlertChanges({
    bus: options.bus,
    topic: options.alertsTopic,
    now,
    markPublished:
      'markPublished' in store && typeof store.markPublished === 'function'
        ? (published, at) => (store as Pick<AlertStore, 'markPublished'>).markPublished(published, at)
        : undefined,
    onMarkFailed: (err) => logger.warn({ err }, 'could not record published revisions'),
  });
  const routes: Route[] = [
    ...authRoutes({ auth, now }),
    ...userRoutes({ auth, now }),
    ...tokenRoutes({ auth, now }),
    ...auditRoutes({ audit: auth.audit }),
    ...alertRoutes(store),
    ...lifecycleRoutes({
      store,
      publish: publishChanges,
      now,
    }),
    ...silenceRoutes({ silences: options.silences, publish: publishChanges, now }),
    ...channelRoutes({ notifications: options.notifications }),
    ...policyRoutes({ notifications: options.notifications, store }),
    notificationLogRoute({ notifications: options.notifications, store }),
    ...evidenceRoutes({
      store,
      archive: options.archive,
      events: options.explorer,
      limits: options.evidenceLimits,
      logger,
    }),
    ...statsRoutes({ store, now, maxTimelineBuckets: limits.maxTimelineBuckets }),
    ...explorerRoutes({ explorer: options.explorer, now, maxTimelineBuckets: limits.maxTimelineBuckets }),
    ...(options.eventTail ? [eventStreamRoute({ tail: options.eventTail })] : []),
    ingestRoute({
      bus: options.bus,
      eventKey: options.eventKey,
      topicOf: options.topicOf,
      now,
      maxItems: limits.maxIngestItems,
      metrics,
    }),
    ...ruleRoutes({ rules: ruleStore, now }),
    backtestRoute({ rules: ruleStore, archive: options.archive, logger, limits: options.backtestLimits }),
    ...opsRoutes({
      health: options.health,
      healthTimeoutMs: limits.healthTimeoutMs,
      channelHealth: notificationStore && (() => notificationStore.channelHealth()),
      registry: options.registry,
      metricsPublic: auth.metricsPublic,
    }),
  ];
  routes.push(openApiRoute(() => buildOpenApiDocument(routes)));
  const staticFiles = options.staticDir ? createStaticFiles({ dir: options.staticDir, logger }) : null;
  const cache = createResponseCache({ ttlMs: CACHE_TTL_MS, maxEntries: 1_000, now });

  const audit = (caller: Omit<Caller, 'audit'>) => async (entry: AuditInput) => {
    const { principal } = caller;
    await auth.audit.record({
      at: new Date(now()),
      actor: principal
        ? { kind: principal.kind, id: principal.id, name: entry.actorName ?? principal.name }
        : { kind: 'anonymous', id: null, name: entry.actorName ?? 'anonymous' },
      action: entry.action,
      target: entry.target,
      ip: caller.ip,
      requestId: caller.requestId,
      before: entry.before ?? null,
      after: entry.after ?? null,
      outcome: entry.outcome ?? 'success',
    });
  };

  /** Credentials, rate limit, permission and CSRF, in that order; answers the caller or throws the refusal. */
  async function admit(
    route: Route,
    request: HttpRequest,
    method: string,
    exchange: Exchange,
  ): Promise<Caller> {
    const { requestId } = exchange;
    const ip = auth.clientIp(request.headers, request.remoteAddress);
    const authentication = await auth.authenticator.fromHeaders(request.headers);
    const { principal } = authentication;
    const via = authentication.principal ? authentication.via : null;
    const rateLimit = route.rateLimit ?? 'api';
    if (auth.rateLimits && rateLimit !== 'none') {
      const decision = await auth.rateLimits.check(rateLimit, principal?.credentialId ?? null, ip);
      if (!decision.allowed) {
        throw new HttpError(429, 'too many requests', {
          details: { retryAfterSeconds: decision.retryAfterSeconds },
          headers: decision.headers,
        });
      }
      // On every answer from here on, refusals included: a client sees its budget however it is answered.
      Object.assign(exchange.rateHeaders, decision.headers);
    }
    const decision = decide(principal, route.permission);
    if (decision === 'unauthenticated') {
      const presented = authentication.principal === null && authentication.presented;
      throw new HttpError(401, presented ? 'credentials are expired, revoked or unknown' : 'sign in first', {
        details: { required: route.permission },
        headers: { 'www-authenticate': 'Bearer realm="vigil"' },
      });
    }
    if (decision === 'forbidden') {
      throw new HttpError(403, `forbidden: needs role ${route.permission}`, {
        details: { required: route.permission, role: principal?.role },
      });
    }
    // A cookie is sent by the browser whatever page asks: a write it authenticates must come from our origin.
    if (via === 'cookie' && !SAFE_METHODS.has(method) && !auth.origins.sameOrigin(request.headers)) {
      throw new HttpError(403, 'forbidden: cross-origin request with the session cookie', {
        details: {
          origin: request.headers.origin ?? null,
          secFetchSite: request.headers['sec-fetch-site'] ?? null,
        },
      });
    }
    const base = { principal, via, requestId, ip };
    return { ...base, audit: audit(base) };
  }

  /**
   * The routes whose template fits the path. A literal path beats a template, as in most routers:
   * `/api/alerts/bulk` is that operation (405 for other methods), never the alert with id "bulk".
   */
  function matchingRoutes(path: string): { route: Route; params: Record<string, string> }[] {
    const matching = routes.flatMap((route) => {
      const params = route.match(path);
      return params ? [{ route, params }] : [];
    });
    const literal = matching.filter(({ route }) => !route.path.includes('{'));
    return literal.length > 0 ? literal : matching;
  }

  /** Answers a request; `label` is set to the route template as soon as one matches. */
  async function dispatch(request: HttpRequest, method: string, exchange: Exchange): Promise<HttpResponse> {
    const allowed: string[] = [];
    // HEAD is GET without the body (RFC 9110 §9.3.2): the same route answers, the transport drops the body.
    const asMethod = method === 'HEAD' ? 'GET' : method;
    if (!HOST_CHECK_EXEMPT.has(request.path) && !auth.origins.hostAllowed(request.headers.host)) {
      throw new HttpError(421, 'this gateway does not answer to that Host (add it to ALLOWED_HOSTS)', {
        details: { host: request.headers.host ?? null },
      });
    }
    for (const { route, params } of matchingRoutes(request.path)) {
      exchange.route = route.path;
      if (route.method !== asMethod) {
        allowed.push(...(route.method === 'GET' ? ['GET', 'HEAD'] : [route.method]));
        continue;
      }
      const caller = await admit(route, request, method, exchange);
      const answer = async () => {
        if (asMethod === 'GET' && CACHED_ROUTES.has(route.path)) {
          const key = `${scopeKey(caller.principal)}|${request.path}?${request.query}`;
          return cache.get(key, () => route.handle(request, params, caller));
        }
        const response = await route.handle(request, params, caller);
        if (!SAFE_METHODS.has(method)) cache.invalidate(); // a status (or who may read what) changed
        return response;
      };
      return answer();
    }
    if (allowed.length > 0) {
      throw new HttpError(405, `method ${method} is not allowed here`, {
        details: { method, allowed },
        headers: { allow: allowed.join(', ') },
      });
    }
    if (staticFiles && !isApiPath(request.path)) {
      exchange.route = 'static';
      if (method === 'GET' || method === 'HEAD') return staticFiles.serve(request);
      throw new HttpError(405, `method ${method} is not allowed here`, {
        details: { method, allowed: ['GET', 'HEAD'] },
        headers: { allow: 'GET, HEAD' },
      });
    }
    throw new HttpError(404, 'not found', { details: { path: request.path } });
  }

  const handler = async (request: HttpRequest): Promise<HttpResponse> => {
    // Durations want a monotonic sub-millisecond clock; `now` is wall-clock time for data.
    const started = performance.now();
    const method = request.method.toUpperCase();
    const offered = request.headers['x-request-id'];
    const requestId = offered !== undefined && CLIENT_REQUEST_ID.test(offered) ? offered : randomUUID();
    const exchange: Exchange = { route: 'unmatched', requestId, rateHeaders: {} };
    let response: HttpResponse;
    try {
      response = await dispatch(request, method, exchange);
    } catch (err) {
      response = errorResponse(err, logger, {
        method,
        path: request.path,
        requestId,
        retryAfterSeconds: limits.retryAfterSeconds,
      });
    }
    // Unknown methods share one label value: clients must not be able to grow the metric's cardinality.
    metrics.observe(
      METHODS.has(method) ? method : 'OTHER',
      exchange.route,
      response.status,
      (performance.now() - started) / 1000,
    );
    const headers = {
      ...exchange.rateHeaders,
      ...withSecurityHeaders(response.headers),
      'x-request-id': requestId,
    };
    return { ...response, headers };
  };
  return Object.assign(handler, { routes: routes as readonly Route[], invalidate: () => cache.invalidate() });
}
