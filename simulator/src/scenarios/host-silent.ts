import { ALL_HOSTS } from '../catalog/services.ts';
import type { EventBody, TimedBody } from '../generator/event-types.ts';
import type { Rng } from '../random/rng.ts';
import { byTime, type Scenario } from './scenario.ts';

/** Three minutes without a sample: 1.5× the rule's 2 minutes. */
export const HOST_SILENCE_MS = 180_000;
const SAMPLE_EVERY_MS = 10_000;
/** Samples before the silence and after the return. */
const SAMPLES_BEFORE = 4;
const SAMPLES_AFTER = 3;

const round1 = (x: number) => Math.round(x * 10) / 10;

function healthy(
  rng: Rng,
  service: (typeof ALL_HOSTS)[number]['service'],
  host: string,
): EventBody<'metrics'> {
  return {
    service: service.name,
    host,
    cpu: round1(rng.between(service.baseCpu - 5, service.baseCpu + 5)),
    memory: round1(rng.between(45, 65)),
    latencyMs: round1(rng.between(service.baseLatencyMs * 0.8, service.baseLatencyMs * 1.3)),
    errorRate: Math.round(rng.between(0.001, 0.01) * 10_000) / 10_000,
  };
}

export const hostSilent: Scenario = {
  name: 'host-silent',
  description:
    'The metrics agent of one host hangs: after 30 s of normal samples the host sends none for 3 minutes (the ' +
    "scraper's samples of it go to a sibling of the same service), then the agent is restarted and it reports again.",
  triggers: ['metrics.host-silent'],
  source: 'metrics',
  durationMs:
    (SAMPLES_BEFORE - 1) * SAMPLE_EVERY_MS + HOST_SILENCE_MS + (SAMPLES_AFTER - 1) * SAMPLE_EVERY_MS,
  plan({ rng, start }) {
    const { host, service } = rng.pick(ALL_HOSTS);
    const siblings = service.hosts.filter((h) => h !== host);
    const lastBefore = start + (SAMPLES_BEFORE - 1) * SAMPLE_EVERY_MS;
    const back = lastBefore + HOST_SILENCE_MS;
    const events: TimedBody[] = [];
    for (let i = 0; i < SAMPLES_BEFORE; i++) {
      events.push({
        time: start + i * SAMPLE_EVERY_MS,
        source: 'metrics',
        body: healthy(rng, service, host),
      });
    }
    for (let i = 0; i < SAMPLES_AFTER; i++) {
      events.push({ time: back + i * SAMPLE_EVERY_MS, source: 'metrics', body: healthy(rng, service, host) });
    }
    events.push({
      time: back + 1,
      source: 'logs',
      body: {
        service: service.name,
        level: 'INFO',
        message: `metrics agent restarted host=${host} after ${HOST_SILENCE_MS / 1000}s without a scrape`,
        host,
      },
    });
    return {
      target: `host=${host}`,
      events: byTime(events),
      effects: [
        {
          // From the start, so no background sample of the host slips between the planned ones and the silence.
          from: start,
          to: back,
          apply(item) {
            if (item.source !== 'metrics' || item.body.host !== host) return;
            item.body.host = rng.pick(siblings);
          },
        },
      ],
    };
  },
};
