import type { Source } from '@vigil/core';

// A deterministic mix of raw events for the explorer bench: the four sources in the simulator's proportions
// (logs most), tens of services, hosts, users and IPs, log messages from a small vocabulary.

const SERVICES = Array.from({ length: 20 }, (_, i) => `svc-${i}`);
const HOSTS = Array.from({ length: 60 }, (_, i) => `host-${i}`);
const WORDS = [
  'payment',
  'timeout',
  'declined',
  'accepted',
  'retry',
  'upstream',
  'cache',
  'miss',
  'login',
  'order',
];
const LEVELS = ['DEBUG', 'INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
const ACTIONS = ['login_success', 'login_failure', 'file_access', 'data_transfer', 'unauthorized_access'];

/** Event i of n spread evenly over [startMs, startMs + spanMs), with its source and JSON bytes. */
export function benchEvent(
  i: number,
  n: number,
  startMs: number,
  spanMs: number,
): { source: Source; raw: string } {
  const ts = new Date(startMs + Math.floor((i * spanMs) / n)).toISOString();
  const r = (i * 2_654_435_761) >>> 0; // Knuth's multiplicative hash: a cheap, fixed spread
  const service = SERVICES[r % SERVICES.length]!;
  const userId = `u-${r % 5_000}`;
  const kind = i % 10;
  if (kind < 5) {
    const message = `${WORDS[r % 10]} ${WORDS[(r >>> 4) % 10]} for order ${r % 100_000} on ${service}`;
    return { source: 'logs', raw: JSON.stringify({ ts, service, level: LEVELS[r % 6], message, userId }) };
  }
  if (kind < 8) {
    const host = HOSTS[r % HOSTS.length]!;
    const metric = {
      ts,
      service,
      host,
      cpu: r % 100,
      memory: (r >>> 3) % 100,
      latencyMs: r % 900,
      errorRate: (r % 100) / 1000,
    };
    return { source: 'metrics', raw: JSON.stringify(metric) };
  }
  if (kind < 9) {
    return {
      source: 'transactions',
      raw: JSON.stringify({ ts, userId, amount: r % 5_000, currency: 'EUR' }),
    };
  }
  const ip = `10.${r % 250}.${(r >>> 8) % 250}.${(r >>> 16) % 250}`;
  return { source: 'security', raw: JSON.stringify({ ts, ip, action: ACTIONS[r % 5], userId }) };
}
