/**
 * HTTP ingest (issue point 4): autocannon POSTs JSON arrays of 100 and 1,000 metrics events to the real
 * gateway (child process), first with the Kafka bus against a real broker, then with the in-process bus.
 * Figure: events/s accepted (202s × batch size) and latency. The issue sets no target for it.
 */
import { mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { startBenchServices } from '../e2e/bench-services.ts';
import { loadAverage1m } from '../e2e/load-average.ts';
import { startGateway } from '../e2e/start-runnables.ts';
import { formatNumber } from '../e2e/stats.ts';
import { AUTH_NOTE } from '../lib/bench-auth.ts';
import { describeMachine } from '../lib/machine.ts';
import { type IngestRow, loadIngest } from '../rest/ingest-load.ts';
import { describeCpu } from '../rest/rest-load.ts';
import type { Suite, SuiteContext, SuiteResult } from '../suite.ts';

const BATCH_SIZES = [100, 1_000] as const;
const CONNECTIONS = 20;

async function measureBus(
  context: SuiteContext,
  bus: IngestRow['bus'],
  options: { brokers?: string[]; dir: string; durationSeconds: number },
): Promise<IngestRow[]> {
  const gateway = await startGateway({
    brokers: bus === 'kafka' ? options.brokers : undefined,
    // No DATABASE_URL: ingest never touches the database, PGlite in the scratch dir serves /api/health.
    dataDir: join(options.dir, `gateway-${bus}`),
    // Unprefixed: the ingest route publishes to events.<source> whatever TOPIC_PREFIX says (gateway bug, see
    // SUITES-2.md), so a prefix would only make every request fail. The broker is this suite's own.
    topicPrefix: '',
    logDir: options.dir,
    name: `gateway-${bus}`,
  });
  const kafkaPort = bus === 'kafka' ? Number(options.brokers![0]!.split(':').at(-1)) : undefined;
  const rows: IngestRow[] = [];
  try {
    for (const batchSize of BATCH_SIZES) {
      const row = await loadIngest({
        bus,
        baseUrl: gateway.baseUrl,
        gatewayPid: gateway.pid,
        kafkaPort,
        batchSize,
        connections: CONNECTIONS,
        durationSeconds: options.durationSeconds,
        warmupSeconds: context.quick ? 1 : 3,
      });
      rows.push(row);
      context.log(
        `[ingest] ${bus} ×${batchSize}: ${formatNumber(row.eventsPerSecond)} events/s ` +
          `(${row.acceptedRequestsPerSecond} req/s), p50 ${row.latencyMs.p50} ms, p99 ${row.latencyMs.p99} ms, non-2xx ${row.non2xx}`,
      );
    }
  } finally {
    await gateway.stop();
  }
  return rows;
}

async function run(context: SuiteContext): Promise<SuiteResult> {
  const durationSeconds = context.quick ? 3 : 20;
  const dir = join(context.scratchDir, 'ingest');
  await mkdir(dir, { recursive: true });
  const machine = { ...describeMachine(), loadAverage1m: loadAverage1m() };
  const services = await startBenchServices({ need: ['kafka'], env: process.env, log: context.log });
  let rows: IngestRow[];
  try {
    const brokers = services.kafka!.brokers;
    rows = [
      ...(await measureBus(context, 'kafka', { brokers, dir, durationSeconds })),
      ...(await measureBus(context, 'memory', { dir, durationSeconds })),
    ];
  } finally {
    await services.stop();
  }
  const best = (bus: IngestRow['bus']) =>
    rows.filter((r) => r.bus === bus).reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
  const kafka = best('kafka');
  const memory = best('memory');
  return {
    suite: 'ingest',
    date: new Date().toISOString(),
    machine: { ...machine, loadAverage1mAtEnd: loadAverage1m() },
    figures: { connections: CONNECTIONS, pipelining: 1, durationSeconds, source: 'metrics', runs: rows },
    targets: [],
    notes: [
      `Best with Kafka: ${formatNumber(kafka.eventsPerSecond)} events/s in batches of ${kafka.batchSize} ` +
        `(p99 ${kafka.latencyMs.p99} ms); CPU ${describeCpu(kafka.cpuCores, cpus().length)}.`,
      `Best with the in-process bus: ${formatNumber(memory.eventsPerSecond)} events/s in batches of ${memory.batchSize} ` +
        `(p99 ${memory.latencyMs.p99} ms); CPU ${describeCpu(memory.cpuCores, cpus().length)}.`,
      'A 202 means the events are durably on the bus (Kafka: acknowledged by the broker, idempotent producer, ' +
        'acks=all); every request is one bus.publish of the whole valid batch.',
      AUTH_NOTE,
    ],
  };
}

const suite: Suite = {
  name: 'ingest',
  description:
    'HTTP ingest: events/s accepted by POST /api/events/{source}, Kafka and in-process bus (autocannon)',
  run,
};

export default suite;
