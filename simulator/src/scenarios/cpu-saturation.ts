import { ALL_HOSTS } from '../catalog/services.ts';
import type { EventBody, TimedBody } from '../generator/event-types.ts';
import type { Rng } from '../random/rng.ts';
import { byTime, type Scenario } from './scenario.ts';

/** Three minutes of saturation: 1.5× the rule's 2 minutes, sampled every 10 s (19 samples ≫ 3). */
export const CPU_SATURATION_MS = 180_000;
const SAMPLE_EVERY_MS = 10_000;
/** After this share of the episode the host is slow enough for `metrics.latency-high` (> 1000 ms). */
const SLOW_AFTER = 0.3;

const round1 = (x: number) => Math.round(x * 10) / 10;

/** cpu and latency of the saturated host at progress `p` (0..1) through the episode. */
function saturated(rng: Rng, p: number): { cpu: number; latencyMs: number } {
  const cpu = p < 0.05 ? rng.between(85, 90) : rng.between(91, 99.8);
  const latencyMs = p < SLOW_AFTER ? rng.between(420, 900) : rng.between(1_250, 2_600);
  return { cpu: round1(cpu), latencyMs: round1(latencyMs) };
}

export const cpuSaturation: Scenario = {
  name: 'cpu-saturation',
  description:
    'One host pegs its cpu at 85-99 % for 3 minutes (a runaway regex on a hot path); after the first minute its ' +
    'requests slow past 1 s. Every sample of the host in that span is high, the background ones included.',
  triggers: ['metrics.cpu-sustained', 'metrics.cpu-and-latency', 'metrics.latency-high'],
  source: 'metrics',
  durationMs: CPU_SATURATION_MS,
  plan({ rng, start }) {
    const { host, service } = rng.pick(ALL_HOSTS);
    const events: TimedBody[] = [];
    for (let at = 0; at <= CPU_SATURATION_MS; at += SAMPLE_EVERY_MS) {
      const body: EventBody<'metrics'> = {
        service: service.name,
        host,
        ...saturated(rng, at / CPU_SATURATION_MS),
        memory: round1(rng.between(71, 86)),
        errorRate: Math.round(rng.between(0.01, 0.04) * 10_000) / 10_000,
      };
      events.push({ time: start + at, source: 'metrics', body });
    }
    for (let at = 20_000; at < CPU_SATURATION_MS; at += 40_000) {
      const message = rng.chance(0.5)
        ? `event loop lag ${rng.int(400, 1_900)}ms exceeds 200ms threshold`
        : `GC pause ${rng.int(250, 900)}ms heap_used=${rng.int(1_700, 1_990)}MiB heap_limit=2048MiB`;
      events.push({
        time: start + at,
        source: 'logs',
        body: { service: service.name, level: 'WARN', message, host },
      });
    }
    return {
      target: `host=${host}`,
      events: byTime(events),
      effects: [
        {
          from: start,
          to: start + CPU_SATURATION_MS + 1,
          apply(item, time) {
            if (item.source !== 'metrics' || item.body.host !== host) return;
            Object.assign(item.body, saturated(rng, (time - start) / CPU_SATURATION_MS));
          },
        },
      ],
    };
  },
};
