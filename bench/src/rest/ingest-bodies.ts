/** Request bodies for the ingest suite: JSON arrays of valid metrics events that trigger no rule. */

const SERVICES = ['payments', 'checkout', 'search', 'auth', 'orders', 'inventory'];

/** One metrics sample; host varies so the gateway's partition key spreads events over every partition. */
export function metricsEvent(n: number, ts: string): Record<string, unknown> {
  const service = SERVICES[n % SERVICES.length]!;
  return {
    ts,
    service,
    host: `${service}-${n % 50}`,
    cpu: 20 + (n % 40),
    memory: 40 + (n % 30),
    latencyMs: 40 + ((n * 7) % 300),
    errorRate: (n % 10) / 1000,
  };
}

/** A JSON array of `size` events (the same body is sent on every request: ingest does not deduplicate). */
export function metricsBatch(size: number, now: number): string {
  const ts = new Date(now).toISOString();
  return JSON.stringify(Array.from({ length: size }, (_, n) => metricsEvent(n, ts)));
}
