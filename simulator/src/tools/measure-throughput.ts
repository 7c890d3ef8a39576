/**
 * Measures the simulator's throughput (`npm run measure -w simulator`): how many events/s it sends when
 * unpaced, and whether it holds 50,000 events/s paced, against a bus that only counts and against the
 * in-memory bus of @vigil/adapters. Prints one JSON line per case. Fixed parameters, no flags.
 */
import { createMemoryBus } from '@vigil/adapters';
import { EVENT_TOPICS, topicNames } from '@vigil/core';
import pino from 'pino';
import { createSimulator } from '../live/create-simulator.ts';
import type { Publisher } from '../live/publisher.ts';

const logger = pino({ level: 'silent' });
const RUN_MS = 10_000;
const TARGET_RATE = 50_000;

const countingBus = (): Publisher => ({ publish: async () => undefined });

async function measure(name: string, bus: Publisher, paced: boolean): Promise<void> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const simulator = createSimulator({
    bus,
    topicOf: (source) => topicNames().events[source],
    generator: { seed: 1, rate: TARGET_RATE, diurnalAmplitude: 0 },
    logger,
    now: Date.now,
    paced,
    durationMs: paced ? RUN_MS : undefined,
    maxEvents: paced ? undefined : TARGET_RATE * 10,
  });
  await simulator.start();
  const stats = await simulator.finished();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  console.log(
    JSON.stringify({
      case: name,
      paced,
      sent: stats.sent,
      seconds: Math.round(wallMs) / 1000,
      eventsPerSecond: Math.round((stats.sent * 1000) / wallMs),
      cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
      finalLagMs: stats.lagMs,
    }),
  );
}

const memoryBus = createMemoryBus({ logger, retention: 10_000 });
await memoryBus.start(EVENT_TOPICS.map((topic) => ({ topic, partitions: 6 })));
await measure('counting bus, unpaced', countingBus(), false);
await measure('memory bus, unpaced', memoryBus, false);
await measure('memory bus, paced at 50k/s', memoryBus, true);
await memoryBus.stop();
