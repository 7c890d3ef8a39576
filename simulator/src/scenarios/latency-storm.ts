import { SERVICES } from '../catalog/services.ts';
import type { TimedBody } from '../generator/event-types.ts';
import { PEERS } from '../noise/log-parts.ts';
import { accessLine, TEMPLATES } from '../noise/log-templates.ts';
import { byTime, type Scenario } from './scenario.ts';

export const LATENCY_STORM_MS = 120_000;
const SAMPLE_EVERY_MS = 5_000;

const round1 = (x: number) => Math.round(x * 10) / 10;

export const latencyStorm: Scenario = {
  name: 'latency-storm',
  description:
    'A dependency of one service slows down for 2 minutes: every host of the service reports 1.2-3.5 s latency ' +
    'while its cpu stays normal (it is waiting, not working), with slow-upstream warnings in its logs.',
  triggers: ['metrics.latency-high'],
  source: 'metrics',
  durationMs: LATENCY_STORM_MS,
  plan({ rng, start }) {
    const profile = rng.pick(SERVICES);
    const service = profile.name;
    const peer = rng.pick(PEERS[service as keyof typeof PEERS]);
    const events: TimedBody[] = [];
    for (const host of profile.hosts) {
      const offset = rng.int(0, SAMPLE_EVERY_MS - 1);
      for (let at = offset; at < LATENCY_STORM_MS; at += SAMPLE_EVERY_MS) {
        events.push({
          time: start + at,
          source: 'metrics',
          body: {
            service,
            host,
            cpu: round1(rng.between(25, 55)),
            memory: round1(rng.between(45, 70)),
            latencyMs: round1(rng.between(1_200, 3_500)),
            errorRate: Math.round(rng.between(0.002, 0.02) * 10_000) / 10_000,
          },
        });
      }
    }
    for (let at = 4_000; at < LATENCY_STORM_MS; at += 9_000) {
      const host = rng.pick(profile.hosts);
      const message = rng.chance(0.5)
        ? `upstream ${peer} slow p99=${rng.int(1_800, 4_000)}ms over last 30s (budget 300ms)`
        : accessLine(rng, rng.pick(TEMPLATES[service]!.routes)(rng), 200, 2_400);
      events.push({ time: start + at, source: 'logs', body: { service, level: 'WARN', message, host } });
    }
    const hosts = new Set(profile.hosts);
    return {
      target: `service=${service} upstream=${peer}`,
      events: byTime(events),
      effects: [
        {
          from: start,
          to: start + LATENCY_STORM_MS,
          apply(item) {
            if (item.source !== 'metrics' || !hosts.has(item.body.host)) return;
            item.body.latencyMs = round1(rng.between(1_100, 3_000));
          },
        },
      ],
    };
  },
};
