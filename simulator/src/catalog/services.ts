/**
 * The simulated fleet: six services, each with its hosts and its normal operating envelope.
 * The envelopes are chosen so that background noise stays well inside the default rules
 * (cpu < 70, latency < 800 ms, error logs far below 20 per service per 3 min at ~50 ev/s).
 */
export interface ServiceProfile {
  name: string;
  /** Host names, e.g. `payments-eu1-01`. */
  hosts: readonly string[];
  /** Share of log lines this service writes (traffic weight). */
  logShare: number;
  /** Mean cpu (%) at average load. */
  baseCpu: number;
  /** Median request latency (ms) at average load. */
  baseLatencyMs: number;
  /** Probability that a log line is ERROR (CRITICAL is a twentieth of that) at average load. */
  errorRate: number;
}

const hostsOf = (name: string, count: number): string[] =>
  Array.from(
    { length: count },
    (_, i) => `${name}-${i % 2 === 0 ? 'eu1' : 'us1'}-${String(i + 1).padStart(2, '0')}`,
  );

export const SERVICES: readonly ServiceProfile[] = [
  {
    name: 'payments',
    hosts: hostsOf('payments', 4),
    logShare: 0.13,
    baseCpu: 38,
    baseLatencyMs: 180,
    errorRate: 0.0025,
  },
  {
    name: 'checkout',
    hosts: hostsOf('checkout', 5),
    logShare: 0.2,
    baseCpu: 35,
    baseLatencyMs: 140,
    errorRate: 0.002,
  },
  {
    name: 'auth',
    hosts: hostsOf('auth', 3),
    logShare: 0.17,
    baseCpu: 30,
    baseLatencyMs: 45,
    errorRate: 0.0015,
  },
  {
    name: 'search',
    hosts: hostsOf('search', 6),
    logShare: 0.28,
    baseCpu: 44,
    baseLatencyMs: 90,
    errorRate: 0.001,
  },
  {
    name: 'inventory',
    hosts: hostsOf('inventory', 4),
    logShare: 0.13,
    baseCpu: 28,
    baseLatencyMs: 60,
    errorRate: 0.0015,
  },
  {
    name: 'notifications',
    hosts: hostsOf('notifications', 3),
    logShare: 0.09,
    baseCpu: 22,
    baseLatencyMs: 110,
    errorRate: 0.003,
  },
];

export const LOG_SHARES = SERVICES.map((s) => s.logShare);

/** Every host with its service, in a fixed order (metrics are sampled round-robin over it). */
export const ALL_HOSTS: readonly { host: string; service: ServiceProfile }[] = SERVICES.flatMap((service) =>
  service.hosts.map((host) => ({ host, service })),
);

export function serviceNamed(name: string): ServiceProfile {
  const found = SERVICES.find((s) => s.name === name);
  if (!found) throw new Error(`unknown service ${name}`);
  return found;
}
