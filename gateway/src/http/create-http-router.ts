import { performance } from 'node:perf_hooks';
import { type Source, WS_PATH } from '@vigil/core';
import type { Rule } from '@vigil/core/rules';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { alertRoutes } from './alerts-routes.ts';
import { errorResponse, HttpError } from './http-errors.ts';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from './http-limits.ts';
import { createHttpMetrics } from './http-metrics.ts';
import type { EventKeyFn, EventPublisher, HealthProbe, HttpAlertStore } from './http-ports.ts';
import type { HttpHandler, HttpRequest, HttpResponse } from './http-types.ts';
import { ingestRoute } from './ingest-route.ts';
import { buildOpenApiDocument, openApiRoute } from './openapi.ts';
import { opsRoutes } from './ops-routes.ts';
import { createResponseCache } from './response-cache.ts';
import type { Route } from './route.ts';
import { createStaticFiles } from './static-files.ts';
import { statsRoutes } from './stats-routes.ts';

export interface HttpRouterOptions {
  store: HttpAlertStore;
  bus: EventPublisher;
  /** The rules in force (core's `Rule`, defaults filled in), for `GET /api/rules`. */
  rules: readonly Rule[];
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

/** Builds the whole HTTP side of the gateway as one function from request to response. */
export function createHttpRouter(options: HttpRouterOptions): HttpRouter {
  const limits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  const logger = options.logger.child({ module: 'http' });
  const metrics = createHttpMetrics(options.registry);
  const { store, now } = options;
  const routes: Route[] = [
    ...alertRoutes(store),
    ...statsRoutes({ store, now, maxTimelineBuckets: limits.maxTimelineBuckets }),
    ingestRoute({
      bus: options.bus,
      eventKey: options.eventKey,
      topicOf: options.topicOf,
      now,
      maxItems: limits.maxIngestItems,
      metrics,
    }),
    ...opsRoutes({
      rules: options.rules,
      health: options.health,
      healthTimeoutMs: limits.healthTimeoutMs,
      registry: options.registry,
    }),
  ];
  routes.push(openApiRoute(() => buildOpenApiDocument(routes)));
  const staticFiles = options.staticDir ? createStaticFiles({ dir: options.staticDir, logger }) : null;
  const cache = createResponseCache({ ttlMs: CACHE_TTL_MS, maxEntries: 1_000, now });

  /** Answers a request; `label` is set to the route template as soon as one matches. */
  async function dispatch(
    request: HttpRequest,
    method: string,
    label: { route: string },
  ): Promise<HttpResponse> {
    const allowed: string[] = [];
    // HEAD is GET without the body (RFC 9110 §9.3.2): the same route answers, the transport drops the body.
    const asMethod = method === 'HEAD' ? 'GET' : method;
    for (const route of routes) {
      const params = route.match(request.path);
      if (!params) continue;
      label.route = route.path;
      if (route.method !== asMethod) {
        allowed.push(...(route.method === 'GET' ? ['GET', 'HEAD'] : [route.method]));
        continue;
      }
      if (asMethod === 'GET' && CACHED_ROUTES.has(route.path)) {
        return cache.get(`${request.path}?${request.query}`, () => route.handle(request, params));
      }
      const response = await route.handle(request, params);
      if (method === 'PATCH') cache.invalidate(); // a status changed
      return response;
    }
    if (allowed.length > 0) {
      throw new HttpError(405, `method ${method} is not allowed here`, {
        details: { method, allowed },
        headers: { allow: allowed.join(', ') },
      });
    }
    if (staticFiles && !isApiPath(request.path)) {
      label.route = 'static';
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
    const label = { route: 'unmatched' };
    let response: HttpResponse;
    try {
      response = await dispatch(request, method, label);
    } catch (err) {
      response = errorResponse(err, logger, {
        method,
        path: request.path,
        retryAfterSeconds: limits.retryAfterSeconds,
      });
    }
    // Unknown methods share one label value: clients must not be able to grow the metric's cardinality.
    metrics.observe(
      METHODS.has(method) ? method : 'OTHER',
      label.route,
      response.status,
      (performance.now() - started) / 1000,
    );
    return response;
  };
  return Object.assign(handler, { routes: routes as readonly Route[], invalidate: () => cache.invalidate() });
}
