import { ALL_HOSTS } from '../catalog/services.ts';
import type { EventBody } from '../generator/event-types.ts';
import { fnv1a, unit } from '../random/hash.ts';
import { errorFactor } from './diurnal.ts';
import type { NoiseContext } from './log-noise.ts';

/** Background cpu never reaches this (the alerting thresholds start at 80). */
export const MAX_NORMAL_CPU = 69;
/** Background latency never reaches this (`metrics.latency-high` starts above 1000 ms). */
export const MAX_NORMAL_LATENCY_MS = 780;

// Each host drifts on its own slow wave (period 6-16 min), so neighbours do not move in lockstep.
const HOST_WAVES = ALL_HOSTS.map(({ host }) => {
  const h = fnv1a(host);
  return {
    periodMs: 360_000 + unit(h) * 600_000,
    phase: unit(h >>> 7) * 2 * Math.PI,
    offset: (unit(h >>> 13) - 0.5) * 8,
  };
});

const round1 = (x: number) => Math.round(x * 10) / 10;
const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** One background sample of the host at `hostIndex` (the generator walks the hosts round-robin, like a scraper). */
export function metricNoise(
  { rng, load }: NoiseContext,
  hostIndex: number,
  time: number,
): EventBody<'metrics'> {
  const { host, service } = ALL_HOSTS[hostIndex]!;
  const wave = HOST_WAVES[hostIndex]!;
  const drift = Math.sin((2 * Math.PI * time) / wave.periodMs + wave.phase);
  const cpu = service.baseCpu + wave.offset + 30 * (load - 1) + 5 * drift + rng.normal(0, 2);
  const latency = service.baseLatencyMs * (0.7 + 0.3 * load) * (1 + 0.1 * drift) * rng.logNormal(1, 0.18);
  return {
    service: service.name,
    host,
    cpu: round1(clamp(cpu, 1, MAX_NORMAL_CPU)),
    memory: round1(clamp(52 + wave.offset * 2 + 6 * drift + rng.normal(0, 1.5), 5, 88)),
    latencyMs: round1(Math.min(latency, MAX_NORMAL_LATENCY_MS)),
    errorRate: Math.round(service.errorRate * errorFactor(load) * rng.logNormal(1, 0.5) * 10_000) / 10_000,
  };
}
