import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeEvent, type Source } from '@vigil/core';
import { type EventQuery, type EventStore, type IndexedEvent, openDatabase } from '@vigil/db';
import { createTestDatabase } from '@vigil/harness';
import { pino } from 'pino';
import { startBenchServices } from '../e2e/bench-services.ts';
import { benchEvent } from '../explorer/explorer-events.ts';
import { percentileOf } from '../lib/latency-histogram.ts';
import { describeMachine } from '../lib/machine.ts';
import type { Suite, SuiteContext, SuiteResult, TargetCheck } from '../suite.ts';

/** The event indexer's path per partition batch: decode each raw event, then one insert (its batch size). */
const BATCH = 500;
const HOUR_MS = 3_600_000;
/** The processor's sustained rate in the end-to-end suite (README, one processor): what the indexer must match. */
const PROCESSOR_SUSTAINED = 113_168;
const SEARCH_P99_TARGET_MS = 100;

const SHAPES: [string, (i: number) => EventQuery][] = [
  ['newest page', () => ({})],
  ['service', (i) => ({ service: [`svc-${i % 20}`] })],
  ['host', (i) => ({ host: [`host-${i % 60}`] })],
  ['userId', (i) => ({ userId: [`u-${(i * 37) % 5_000}`] })],
  ['logs ERROR', () => ({ source: ['logs'], level: ['ERROR'] })],
  ['q words', (i) => ({ q: ['timeout upstream', 'declined', 'cache miss'][i % 3] })],
  ['security login_failure', () => ({ source: ['security'], action: ['login_failure'] })],
];

async function load(events: EventStore, n: number, startMs: number) {
  const started = performance.now();
  let offset = 0;
  for (let i = 0; i < n; i += BATCH) {
    const batch: IndexedEvent[] = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) {
      const { source, raw } = benchEvent(j, n, startMs, HOUR_MS);
      const decoded = decodeEvent(source as Source, raw);
      if (!decoded.ok) throw new Error(decoded.error);
      batch.push({
        source,
        partition: 0,
        offset: String(offset++),
        busTimestamp: startMs,
        event: decoded.value as never,
      });
    }
    await events.insertEvents(batch);
  }
  return Math.round(n / ((performance.now() - started) / 1000));
}

async function search(events: EventStore, rounds: number, startMs: number) {
  const range = { from: new Date(startMs).toISOString(), to: new Date(startMs + HOUR_MS).toISOString() };
  const all: number[] = [];
  const rows: { shape: string; p50Ms: number; p99Ms: number }[] = [];
  for (const [shape, queryOf] of SHAPES) {
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t = performance.now();
      await events.queryEvents({ ...range, ...queryOf(i), limit: 50 });
      samples.push(performance.now() - t);
    }
    all.push(...samples);
    rows.push({ shape, p50Ms: round(percentileOf(samples, 50)), p99Ms: round(percentileOf(samples, 99)) });
  }
  const t = performance.now();
  for (let i = 0; i < rounds; i++) {
    await events.timeseries({ ...range, field: 'cpu', bucket: '1m', host: [`host-${i % 60}`] });
  }
  const timeseriesMeanMs = round((performance.now() - t) / rounds);
  return { p50Ms: round(percentileOf(all, 50)), p99Ms: round(percentileOf(all, 99)), rows, timeseriesMeanMs };
}

const round = (ms: number) => Math.round(ms * 100) / 100;

async function run(context: SuiteContext): Promise<SuiteResult> {
  const n = context.quick ? 50_000 : 300_000;
  const rounds = context.quick ? 30 : 100;
  const startMs = Date.UTC(2030, 0, 1);
  const logger = pino({ level: 'warn' });
  const services = await startBenchServices({ need: ['postgres'], env: process.env, log: context.log });
  const drivers: { driver: string; ingestPerSecond: number; search: Awaited<ReturnType<typeof search>> }[] =
    [];
  try {
    const dir = await mkdtemp(join(context.scratchDir, 'event-store-'));
    const testDb = await createTestDatabase(services.postgres!.url, 'bench_events');
    for (const [driver, open] of [
      ['PGlite (on disk)', () => openDatabase({ dataDir: dir, logger })],
      ['PostgreSQL', () => openDatabase({ url: testDb.url, logger })],
    ] as const) {
      const database = await open();
      try {
        context.log(`[event-store] ${driver}: loading ${n} events over one hour, ${BATCH} per insert`);
        const ingestPerSecond = await load(database.events, n, startMs);
        // What the indexer's periodic sweep does; the planner needs statistics (PGlite has no autovacuum).
        await database.events.pruneOlderThan(new Date(startMs - HOUR_MS));
        const result = await search(database.events, rounds, startMs);
        context.log(
          `[event-store] ${driver}: ${ingestPerSecond} events/s; one-hour search p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
        );
        drivers.push({ driver, ingestPerSecond, search: result });
      } finally {
        await database.close();
      }
    }
    await testDb.drop();
    await rm(dir, { recursive: true, force: true });
  } finally {
    await services.stop();
  }
  const pg = drivers.find((d) => d.driver === 'PostgreSQL')!;
  const targets: TargetCheck[] = [
    {
      name: 'event store ingest on PostgreSQL (decode + batched insert)',
      target: `≥ ${PROCESSOR_SUSTAINED.toLocaleString('en-US')} events/s (the processor's sustained rate)`,
      measured: `${pg.ingestPerSecond.toLocaleString('en-US')} events/s`,
      met: pg.ingestPerSecond >= PROCESSOR_SUSTAINED,
    },
    ...drivers.map((d) => ({
      name: `one-hour search p99, ${d.driver} (${n.toLocaleString('en-US')} events)`,
      target: `< ${SEARCH_P99_TARGET_MS} ms`,
      measured: `${d.search.p99Ms} ms (p50 ${d.search.p50Ms} ms)`,
      met: d.search.p99Ms < SEARCH_P99_TARGET_MS,
    })),
  ];
  return {
    suite: 'event-store',
    date: new Date().toISOString(),
    machine: describeMachine(),
    figures: {
      ingest: drivers.map((d) => ({
        driver: d.driver,
        events: n,
        batch: BATCH,
        eventsPerSecond: d.ingestPerSecond,
      })),
      search: drivers.flatMap((d) => d.search.rows.map((r) => ({ driver: d.driver, ...r }))),
      timeseries: drivers.map((d) => ({ driver: d.driver, meanMs: d.search.timeseriesMeanMs })),
    },
    targets,
    notes: [
      'Ingest is the indexer handler without the bus: decodeEvent per raw event, then one multi-row insert of ' +
        `${BATCH} rows (7 indexes including the GIN text index); one connection, sequential batches.`,
      'Search: limit 50 over a one-hour from/to, the first page of each shape, after ANALYZE (the sweep runs it).',
    ],
    highlights: drivers.map(
      (d) =>
        `${d.driver}: ${d.ingestPerSecond} events/s ingest; one-hour search p50 ${d.search.p50Ms} ms, p99 ${d.search.p99Ms} ms`,
    ),
  };
}

export const eventStoreSuite: Suite = {
  name: 'event-store',
  description:
    'event explorer store: indexer ingest events/s and one-hour search p50/p99 on PGlite and PostgreSQL',
  run,
};
