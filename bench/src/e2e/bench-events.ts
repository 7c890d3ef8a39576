/**
 * Events for the end-to-end suite. The background triggers no rule; a measured event triggers exactly one
 * per-event rule (metrics.latency-high: latencyMs > 1000, cpu below every cpu rule) and carries a unique id,
 * which the alert lists in evidence.eventIds: that is how an alert is matched to the event behind it.
 */
import { partitionKey, type Source } from '@vigil/core';

export interface BenchEvent {
  source: Source;
  key: string;
  value: string;
}

const SERVICES = ['payments', 'checkout', 'search', 'auth', 'orders', 'inventory', 'ledger', 'shipping'];
const PATHS = ['GET /v1/items 200', 'POST /v1/cart 201', 'GET /v1/search?q=shoes 200', 'GET /healthz 200'];

function event<S extends Source>(source: S, body: Record<string, unknown>): BenchEvent {
  // biome-ignore lint/suspicious/noExplicitAny: partitionKey's per-source event type is checked by the processor
  return { source, key: partitionKey(source, body as any), value: JSON.stringify(body) };
}

/** Background event `n`: INFO logs, ordinary metrics and successful logins, in turn. */
export function backgroundEvent(n: number, ts: string): BenchEvent {
  const service = SERVICES[n % SERVICES.length]!;
  switch (n % 3) {
    case 0:
      return event('logs', {
        ts,
        service,
        level: 'INFO',
        message: PATHS[n % PATHS.length],
        host: `${service}-${n % 7}`,
      });
    case 1:
      return event('metrics', {
        ts,
        service,
        host: `${service}-${n % 40}`,
        cpu: 15 + (n % 50),
        memory: 50 + (n % 20),
        latencyMs: 20 + (n % 400),
        errorRate: 0.001,
      });
    default:
      return event('security', {
        ts,
        ip: `10.1.${n % 50}.${n % 200}`,
        action: 'login_success',
        userId: `u-${n % 5000}`,
        resource: '/login',
      });
  }
}

/**
 * A metrics event with a unique id that fires metrics.latency-high and nothing else, on a host of its own:
 * firings of one host fold into one episode (pushed as `update` frames carrying the first firing's
 * evidence), so each measured event must open an episode for its `alert` frame to name it.
 */
export function measuredEvent(id: string, n: number, ts: string): BenchEvent {
  const service = SERVICES[n % SERVICES.length]!;
  return event('metrics', { id, ts, service, host: `${service}-m${id}`, cpu: 30, latencyMs: 1_500 });
}
