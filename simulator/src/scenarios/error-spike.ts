import { randomUser } from '../catalog/people.ts';
import { serviceNamed } from '../catalog/services.ts';
import type { TimedBody } from '../generator/event-types.ts';
import { orderId, traceId } from '../noise/log-parts.ts';
import { accessLine, TEMPLATES } from '../noise/log-templates.ts';
import { byTime, type Scenario } from './scenario.ts';

/** Comfortably over the rule's 20 ERROR/CRITICAL lines per service in 3 minutes. */
export const ERROR_SPIKE_ERRORS = 36;
export const ERROR_SPIKE_CRITICALS = 3;
/** The errors are spread over this span, well inside the rule's 3-minute window. */
const SPREAD_MS = 90_000;
/** Services that can lose their pool, with the operation their failing requests were doing. */
const OPERATIONS = {
  payments: 'capture charge',
  checkout: 'create order',
  inventory: 'reserve stock',
  auth: 'persist session',
} as const;
const TARGETS = Object.keys(OPERATIONS) as (keyof typeof OPERATIONS)[];

export const errorSpike: Scenario = {
  name: 'error-spike',
  description:
    "A service's database connection pool is exhausted for ~90 s: pool warnings, then 39 ERROR/CRITICAL lines " +
    'across its hosts (timeouts, 503s, failed operations), each for a different user, then recovery.',
  triggers: ['logs.error-spike', 'logs.failed-message'],
  source: 'logs',
  durationMs: 110_000,
  plan({ rng, start, population }) {
    const target = rng.pick(TARGETS);
    const profile = serviceNamed(target);
    const service = profile.name;
    const pool = `${service}-primary`;
    const routes = TEMPLATES[service]!.routes;
    const events: TimedBody[] = [];
    const log = (
      time: number,
      level: 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL',
      message: string,
      withUser = true,
    ) => {
      const body: TimedBody = {
        time,
        source: 'logs',
        body: { service, level, message, host: rng.pick(profile.hosts) },
      };
      if (withUser && body.source === 'logs') {
        body.body.userId = randomUser(rng, population).userId;
        body.body.traceId = traceId(rng);
      }
      events.push(body);
    };
    log(start, 'WARN', `connection pool nearly exhausted pool=${pool} in_use=37/40 waiting=4`, false);
    log(start + 1_500, 'WARN', `slow query ${rng.int(2_400, 4_800)}ms table=orders lock_wait=true`, false);
    const total = ERROR_SPIKE_ERRORS + ERROR_SPIKE_CRITICALS;
    const criticalAt = new Set([4, Math.floor(total / 2), total - 6]);
    for (let i = 0; i < total; i++) {
      const time = Math.round(start + 3_000 + (i * SPREAD_MS) / total + rng.between(0, 1_500));
      const waiting = rng.int(12, 180);
      if (criticalAt.has(i)) {
        log(
          time,
          'CRITICAL',
          `connection pool exhausted pool=${pool} in_use=40/40 waiting=${waiting}; shedding load`,
          false,
        );
        continue;
      }
      const kind = rng.int(0, 2);
      const message =
        kind === 0
          ? `could not acquire connection from pool=${pool} within 5000ms (in_use=40/40, waiting=${waiting})`
          : kind === 1
            ? `${accessLine(rng, rng.pick(routes)(rng), 503, 5_000)} error="connection pool timeout"`
            : `${OPERATIONS[target]} failed: timeout acquiring database connection order=${orderId(rng)}`;
      log(time, 'ERROR', message);
    }
    log(start + 100_000, 'INFO', `connection pool recovered pool=${pool} in_use=14/40 waiting=0`, false);
    const hosts = new Set(profile.hosts);
    return {
      target: `service=${service}`,
      events: byTime(events),
      effects: [
        {
          from: start,
          to: start + 100_000,
          // The service's metrics show the same incident: error rate up, latency up (still under 1000 ms).
          apply(item) {
            if (item.source !== 'metrics' || !hosts.has(item.body.host)) return;
            item.body.errorRate = Math.round(rng.between(0.05, 0.25) * 10_000) / 10_000;
            item.body.latencyMs = Math.min(780, Math.round(item.body.latencyMs * 2.5));
          },
        },
      ],
    };
  },
};
