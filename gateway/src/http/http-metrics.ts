import { Counter, Histogram, type Registry } from 'prom-client';

export interface HttpMetrics {
  /** One finished request: `route` is the template (`/api/alerts/{id}`), never the raw path. */
  observe(method: string, route: string, status: number, seconds: number): void;
  ingested(source: string, accepted: number, rejected: number): void;
}

// Several routers may share one registry (tests, a restart in-process); prom-client refuses a second
// metric of the same name, so an existing one is reused.
function getOrCreate<T>(registry: Registry, name: string, create: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? create();
}

export function createHttpMetrics(registry: Registry): HttpMetrics {
  const duration = getOrCreate(
    registry,
    'vigil_http_request_duration_seconds',
    () =>
      new Histogram({
        name: 'vigil_http_request_duration_seconds',
        help: 'Time to answer an HTTP request, by method, route template and status',
        labelNames: ['method', 'route', 'status'] as const,
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
  );
  const events = getOrCreate(
    registry,
    'vigil_ingest_events_total',
    () =>
      new Counter({
        name: 'vigil_ingest_events_total',
        help: 'Items of HTTP ingest bodies, by source and outcome (accepted: published to the bus)',
        labelNames: ['source', 'outcome'] as const,
        registers: [registry],
      }),
  );
  return {
    observe(method, route, status, seconds) {
      duration.observe({ method, route, status: String(status) }, seconds);
    },
    ingested(source, accepted, rejected) {
      if (accepted > 0) events.inc({ source, outcome: 'accepted' }, accepted);
      if (rejected > 0) events.inc({ source, outcome: 'rejected' }, rejected);
    },
  };
}
