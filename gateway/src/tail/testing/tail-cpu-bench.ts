// The live tail's own work per event (decode, match per filter group, rate, frame, write), with the bus
// taken out: a fake consumer whose batches are handed in as fast as they are handled, streams that discard.
// Run by hand, one at a time:
//   npx tsx src/tail/testing/tail-cpu-bench.ts <events=500000> <streams=1> <all|distinct|same>
// `distinct`: each stream its own filter (service, host, level); `same`: one filter for all; `all`: no filter.
import { type BatchHandler, type BusConsumer, type BusMessage, topicNames } from '@vigil/core';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { testPrincipal } from '../../fanout/testing/principals.ts';
import { createEventTail } from '../event-tail.ts';
import type { TailFilter } from '../tail-filter.ts';
import { createTailMetrics } from '../tail-metrics.ts';

const events = Number(process.argv[2] ?? 500_000);
const streams = Number(process.argv[3] ?? 1);
const mode = process.argv[4] ?? 'all';
const services = ['payments', 'api', 'auth', 'search', 'cart'];

let handler: BatchHandler | undefined;
const consumer: BusConsumer = {
  run: async (h) => {
    handler = h;
  },
  seek: () => undefined,
  commit: async () => undefined,
  stop: async () => undefined,
};
const topics = topicNames('bench').events;
const registry = new Registry();
const tail = createEventTail({
  bus: { consumer: () => consumer },
  topics,
  metrics: createTailMetrics(registry),
  logger: pino({ level: 'silent' }),
  timers: false,
  limits: { maxStreams: 10_000, maxStreamsPerPrincipal: 10_000 },
});
const filterOf = (i: number): TailFilter =>
  mode === 'all'
    ? {}
    : mode === 'same'
      ? { service: ['payments'], level: ['ERROR'] }
      : { service: [services[i % 5]!], host: [`web-${i % 100}`], level: ['ERROR'] };
let bytes = 0;
for (let i = 0; i < streams; i += 1) {
  const admission = tail.open(testPrincipal(), filterOf(i));
  if (!admission.ok) throw new Error(admission.message);
  admission.attach({
    closed: false,
    write: (chunk) => {
      bytes += chunk.length;
      return true;
    },
    bufferedBytes: () => 0,
    end: () => undefined,
    destroy: () => undefined,
    onClose: () => undefined,
  });
}
await tail.settled();
const batch: BusMessage[] = Array.from({ length: 1000 }, (_, i) => ({
  topic: topics.logs,
  partition: 0,
  offset: String(i),
  key: null,
  headers: {},
  timestamp: Date.now(),
  value: Buffer.from(
    JSON.stringify({
      ts: new Date().toISOString(),
      service: services[i % 5],
      level: i % 3 ? 'INFO' : 'ERROR',
      host: `web-${i % 100}`,
      userId: `u-${i % 50}`,
      message: `request ${i} failed: upstream timeout after 3000 ms`,
    }),
  ),
}));
const started = performance.now();
for (let i = 0; i < events; i += batch.length)
  await handler!({ topic: topics.logs, partition: 0, messages: batch });
const ms = performance.now() - started;
const value = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
console.log(
  JSON.stringify({
    events,
    streams,
    mode,
    ms: Math.round(ms),
    eventsPerSecond: Math.round(events / (ms / 1000)),
    sent: await value('vigil_tail_events_sent_total'),
    skipped: await value('vigil_tail_events_skipped_total'),
    bytesOut: bytes,
  }),
);
await tail.stop();
