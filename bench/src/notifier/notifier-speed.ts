/**
 * How many notifications one notifier sends and how long an alert takes to reach its receiver
 * (notifier/README.md): `npm run bench:notifier -w bench` with KAFKA_BROKERS and DATABASE_URL set
 * (`source /work/services.env`). One `npm run notifier` process (its defaults: 32 sends in flight; NOTIFIER_CONCURRENCY changes it) on a fresh
 * database and fresh topics; a loopback webhook receiver that answers every POST after RECEIVER_MS (default
 * 50 ms); one route sending each alert as its own message at once (group_by key, group_wait 0, so the figure is
 * the pipeline's, not a grouping timer's). RUNS times (default 3):
 *   - throughput: BACKLOG alerts (default 3,000) published at once; notifications/s from publish to the last
 *     one received;
 *   - latency: RATE alerts/s (default 50) for LATENCY_SECONDS (default 20); alert published on the alerts
 *     topic → request at the receiver, p50/p99/max.
 * Writes every run, medians and spreads to bench/results/notifier.json. Bounded by the counts; stops its child.
 * PROFILE_DIR=<dir> also has the notifier write a CPU profile there.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafkaBus } from '@vigil/adapters';
import { type Alert, topicNames, vigilTopics } from '@vigil/core';
import { openDatabase } from '@vigil/db';
import { createNotificationStore } from '@vigil/db/notifications';
import { makeAlert } from '@vigil/db/testing';
import { createTestDatabase, uniqueName } from '@vigil/harness';
import { NOTIFIER_DEFAULTS } from '@vigil/notifier';
import { pino } from 'pino';
import { nowMs, sleep, waitFor } from '../lib/clock.ts';
import { percentileOf } from '../lib/latency-histogram.ts';
import { describeMachine } from '../lib/machine.ts';

const RUNS = Number(process.env.RUNS ?? 3);
const BACKLOG = Number(process.env.BACKLOG ?? 3_000);
const RATE = Number(process.env.RATE ?? 50);
const LATENCY_SECONDS = Number(process.env.LATENCY_SECONDS ?? 20);
const RECEIVER_MS = Number(process.env.RECEIVER_MS ?? 50);
const RESULTS = fileURLToPath(new URL('../../results/notifier.json', import.meta.url));
const MAIN = fileURLToPath(new URL('../../../notifier/src/main.ts', import.meta.url));
const logger = pino({ level: 'silent' });

const { KAFKA_BROKERS, DATABASE_URL } = process.env;
if (!KAFKA_BROKERS || !DATABASE_URL) {
  console.error(
    'bench:notifier needs KAFKA_BROKERS and DATABASE_URL (npm run services; source /work/services.env)',
  );
  process.exit(2);
}

/** Arrival time (nowMs) of each alert id at the receiver, first arrival only; duplicates counted. */
const arrivals = new Map<string, number>();
let duplicates = 0;
const receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const at = nowMs();
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { alerts: { fingerprint: string }[] };
    for (const { fingerprint } of body.alerts) {
      if (arrivals.has(fingerprint)) duplicates += 1;
      else arrivals.set(fingerprint, at);
    }
    setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), RECEIVER_MS);
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

const prefix = `${uniqueName('nb')}.`;
const topics = topicNames(prefix);
const testDb = await createTestDatabase(DATABASE_URL, 'notifier_bench');
const bus = createKafkaBus({ brokers: KAFKA_BROKERS.split(','), clientId: 'notifier-bench', logger });
await bus.start(vigilTopics(1, prefix));
const database = await openDatabase({ url: testDb.url, logger });
const store = createNotificationStore({ db: database.db, target: database.target });
const channel = await store.createChannel(
  { name: 'bench-hook', type: 'webhook', config: { url: hookUrl } },
  'bench',
);
const ruleId = 'bench.notify';
await store.putPolicy(
  { routes: [{ matchers: { ruleId: [ruleId] }, channels: [channel.id], groupWaitMs: 0, groupBy: ['key'] }] },
  'bench',
);

// PROFILE_DIR: the notifier writes a V8 CPU profile there when it exits (where its time goes).
const profile = process.env.PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR}`] : [];
let child: ChildProcess | null = spawn(process.execPath, [...profile, '--import', 'tsx', MAIN], {
  env: {
    ...process.env,
    DATABASE_URL: testDb.url,
    TOPIC_PREFIX: prefix,
    NOTIFIER_GROUP_ID: `${prefix}notifier`,
    NOTIFIER_FROM_BEGINNING: 'true',
    EVENT_PARTITIONS: '1',
    VIGIL_PUBLIC_URL: 'http://vigil.bench',
    METRICS_PORT: '0',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});

let sequence = 0;
const alert = (): Alert => makeAlert({ ruleId, key: `host=bench-${sequence++}` });
/** Publishes alerts and returns the time (nowMs) each was handed to the bus, by id. */
async function publish(alerts: Alert[]): Promise<Map<string, number>> {
  const at = nowMs();
  await bus.publish(
    topics.alerts,
    alerts.map((a) => ({ key: null, value: JSON.stringify(a) })),
  );
  return new Map(alerts.map((a) => [a.id, at]));
}
const allArrived = (ids: Iterable<string>) => [...ids].every((id) => arrivals.has(id));
/** Waits until every alert of `sent` reached the receiver; a bench that never completes says so and fails. */
async function arrive(sent: Map<string, number>, timeoutMs: number, what: string): Promise<void> {
  if (await waitFor(() => allArrived(sent.keys()), timeoutMs, 100)) return;
  const missing = [...sent.keys()].filter((id) => !arrivals.has(id)).length;
  throw new Error(`${what}: ${missing} of ${sent.size} alerts never reached the receiver in ${timeoutMs} ms`);
}
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function throughputRun(): Promise<number> {
  const alerts = Array.from({ length: BACKLOG }, alert);
  const sent = await publish(alerts);
  const from = Math.min(...sent.values());
  await arrive(sent, 300_000, 'throughput');
  const last = Math.max(...alerts.map((a) => arrivals.get(a.id)!));
  return round(BACKLOG / ((last - from) / 1_000), 0);
}

async function latencyRun(): Promise<{ p50: number; p99: number; max: number; alerts: number }> {
  const published = new Map<string, number>();
  const started = nowMs();
  const total = RATE * LATENCY_SECONDS;
  // One alert at a time on a schedule: each one's publish time is its own.
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1_000) / RATE;
    const wait = due - nowMs();
    if (wait > 0) await sleep(wait);
    for (const [id, at] of await publish([alert()])) published.set(id, at);
  }
  await arrive(published, 120_000, 'latency');
  const samples = [...published].map(([id, at]) => arrivals.get(id)! - at);
  return {
    p50: round(percentileOf(samples, 50)),
    p99: round(percentileOf(samples, 99)),
    max: round(percentileOf(samples, 100)),
    alerts: samples.length,
  };
}

const spread = (values: number[]) => ({
  median: [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!,
  min: Math.min(...values),
  max: Math.max(...values),
});

try {
  // Warm-up: the notifier has joined its group and sends when one alert reaches the receiver.
  const warm = await publish([alert()]);
  await arrive(warm, 120_000, 'warm-up (is the notifier running?)');
  const throughput: number[] = [];
  const latency: Awaited<ReturnType<typeof latencyRun>>[] = [];
  for (let run = 1; run <= RUNS; run++) {
    throughput.push(await throughputRun());
    console.log(
      `run ${run}/${RUNS} throughput: ${throughput.at(-1)!.toLocaleString('en')} notifications/s (${BACKLOG} alerts at once)`,
    );
    latency.push(await latencyRun());
    const l = latency.at(-1)!;
    console.log(
      `run ${run}/${RUNS} latency at ${RATE} alerts/s: p50 ${l.p50} ms, p99 ${l.p99} ms, max ${l.max} ms (${l.alerts} alerts)`,
    );
  }
  const figures = {
    measuredAt: new Date().toISOString(),
    machine: describeMachine(),
    setup: {
      receiverMs: RECEIVER_MS,
      backlog: BACKLOG,
      rate: RATE,
      latencySeconds: LATENCY_SECONDS,
      concurrency: Number(process.env.NOTIFIER_CONCURRENCY ?? NOTIFIER_DEFAULTS.concurrency),
    },
    notificationsPerSecond: { runs: throughput, ...spread(throughput) },
    alertToReceiverMs: {
      runs: latency,
      p50: spread(latency.map((l) => l.p50)),
      p99: spread(latency.map((l) => l.p99)),
    },
    duplicates,
  };
  await mkdir(join(RESULTS, '..'), { recursive: true });
  await writeFile(RESULTS, `${JSON.stringify(figures, null, 2)}\n`);
  const t = figures.notificationsPerSecond;
  const p99 = figures.alertToReceiverMs.p99;
  console.log(
    `notifications/s: median ${t.median} over ${RUNS} runs (${t.min}–${t.max}); alert → receiver p99 median ${p99.median} ms (${p99.min}–${p99.max}); duplicates ${duplicates}`,
  );
  console.log(`written to ${RESULTS}`);
} finally {
  const running = child;
  child = null;
  if (running && running.exitCode === null) {
    running.kill('SIGTERM');
    await new Promise((resolve) => running.once('exit', resolve));
  }
  await bus.stop();
  await database.close();
  await testDb.drop();
  receiver.close();
}
