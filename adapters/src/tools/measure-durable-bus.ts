/**
 * How fast the durable in-process bus accepts events: `npx tsx adapters/src/tools/measure-durable-bus.ts`.
 * Publishes EVENTS events of ~250 bytes in batches of BATCH from CONCURRENCY publishers into a fresh log
 * directory (fsync before each publish resolves) and prints events/s and the p50/p99 publish latency.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { createMemoryBus } from '../bus/memory-bus.ts';

const EVENTS = Number(process.env.EVENTS ?? 200_000);
const BATCH = Number(process.env.BATCH ?? 100);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);

const dir = await mkdtemp(join(tmpdir(), 'vigil-measure-bus-'));
const bus = createMemoryBus({ logger: pino({ level: 'silent' }), dir, retention: EVENTS });
await bus.start([{ topic: 'events.logs', partitions: 2 }]);
const event = (i: number) =>
  JSON.stringify({
    id: `m-${i}`,
    ts: new Date().toISOString(),
    service: `svc-${i % 20}`,
    level: 'INFO',
    message: 'GET /v1/items/12345 200 in 12 ms from 10.0.0.7 user agent curl/8.5',
  });
const latencies: number[] = [];
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < EVENTS) {
      const from = next;
      next += BATCH;
      const messages = Array.from({ length: Math.min(BATCH, EVENTS - from) }, (_, i) => ({
        key: `svc-${(from + i) % 20}`,
        value: event(from + i),
      }));
      const t = performance.now();
      await bus.publish('events.logs', messages);
      latencies.push(performance.now() - t);
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const at = (q: number) =>
  latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2);
process.stdout.write(
  `${EVENTS} events in batches of ${BATCH}, ${CONCURRENCY} publishers: ${Math.round(EVENTS / seconds)} events/s, ` +
    `publish p50 ${at(0.5)} ms, p99 ${at(0.99)} ms\n`,
);
await bus.stop();
await rm(dir, { recursive: true, force: true });
