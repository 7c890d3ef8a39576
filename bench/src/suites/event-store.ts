import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Source } from '@vigil/core';
import { type Database, type EventQuery, type EventStore, type IndexedEvent, openDatabase } from '@vigil/db';
import { createTestDatabase } from '@vigil/harness';
import { indexedEventOf } from '@vigil/processor';
import { pino } from 'pino';
import { startBenchServices } from '../e2e/bench-services.ts';
import { benchEvent } from '../explorer/explorer-events.ts';
import { percentileOf } from '../lib/latency-histogram.ts';
import { describeMachine } from '../lib/machine.ts';
import { sampleMachine, sampleProcess } from '../lib/proc-stats.ts';
import type { Suite, SuiteContext, SuiteResult, TargetCheck } from '../suite.ts';

const HOUR_MS = 3_600_000;
/**
 * What the indexer must match: one processor's sustained rate as the last end-to-end run on this machine
 * measured it (results/end-to-end.json; the suite runs after this one in a full run, so run it first when
 * the code changed). Not a constant: both figures move with the machine, and the processor's with its code.
 */
async function processorSustained(): Promise<{ perSecond: number; date: string } | null> {
  try {
    const text = await readFile(new URL('../../results/end-to-end.json', import.meta.url), 'utf8');
    const result = JSON.parse(text) as {
      date: string;
      figures: { throughput: { sustained: { perSecond: number } } };
    };
    return { perSecond: result.figures.throughput.sustained.perSecond, date: result.date };
  } catch {
    return null;
  }
}
const SEARCH_P99_TARGET_MS = 100;

type Driver = 'PGlite (on disk)' | 'PostgreSQL';

/**
 * One way the indexer may run: `batch` events per insertEvents (a bus batch of one partition) and `writers`
 * group members in flight, each on its own partitions (so its own connection), as INDEXER_WRITERS does.
 */
interface Config {
  driver: Driver;
  batch: number;
  writers: number;
  why: string;
}

const CONFIGS: Config[] = [
  { driver: 'PGlite (on disk)', batch: 1_000, writers: 1, why: "the in-process bus's batch (embedded mode)" },
  { driver: 'PostgreSQL', batch: 500, writers: 1, why: 'the batch the previous runs measured' },
  {
    driver: 'PostgreSQL',
    batch: 5_000,
    writers: 1,
    why: "a Kafka fetch under backlog (kafkajs's 1 MiB a partition)",
  },
  {
    driver: 'PostgreSQL',
    batch: 5_000,
    writers: 2,
    why: 'two indexer writers in flight (INDEXER_WRITERS=2)',
  },
  { driver: 'PostgreSQL', batch: 5_000, writers: 4, why: 'four writers: more than the 2 cores' },
];

const SHAPES: [string, (i: number) => EventQuery][] = [
  ['newest page', () => ({})],
  ['service', (i) => ({ service: [`svc-${i % 20}`] })],
  ['host', (i) => ({ host: [`host-${i % 60}`] })],
  ['userId', (i) => ({ userId: [`u-${(i * 37) % 5_000}`] })],
  ['logs ERROR', () => ({ source: ['logs'], level: ['ERROR'] })],
  ['q words', (i) => ({ q: ['timeout upstream', 'declined', 'cache miss'][i % 3] })],
  ['security login_failure', () => ({ source: ['security'], action: ['login_failure'] })],
];

interface RawEvent {
  source: Source;
  bytes: Uint8Array;
}

/** The bus hands the indexer bytes: they are made before the clock starts, decoding them is timed. */
function rawEvents(n: number, startMs: number): RawEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const { source, raw } = benchEvent(i, n, startMs, HOUR_MS);
    return { source, bytes: Buffer.from(raw) };
  });
}

/** CPU seconds so far of the PostgreSQL backends serving `database` (null when the server is not local). */
async function backendCpuSeconds(database: Database): Promise<number | null> {
  if (!database.pgPool) return null;
  const { rows } = await database.pgPool.query<{ pid: number }>(
    'select pid from pg_stat_activity where datname = current_database()',
  );
  let sum = 0;
  for (const { pid } of rows) {
    const sample = sampleProcess(pid);
    if (!sample) return null;
    sum += sample.cpuSeconds;
  }
  return sum;
}

/**
 * The indexer's handler without the bus: each writer takes every `writers`-th batch (in time order, so the
 * hour fills evenly), decodes its raw events as the indexer does (`indexedEventOf`) and awaits one insertEvents, like one group
 * member handling its partitions; the writers run concurrently in this one process, as members would.
 */
async function load(database: Database, raws: RawEvent[], config: Config, startMs: number) {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  const machineBefore = sampleMachine();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  loop.enable();
  let rejected = 0;
  const writer = async (w: number) => {
    for (let first = w * config.batch; first < raws.length; first += config.writers * config.batch) {
      const batch: IndexedEvent[] = [];
      for (let i = first; i < Math.min(raws.length, first + config.batch); i++) {
        const { source, bytes } = raws[i]!;
        const indexed = indexedEventOf(source, w, { value: bytes, offset: String(i), timestamp: startMs });
        if (!indexed) throw new Error(`bench event ${i} is not valid`);
        batch.push(indexed);
      }
      rejected += (await database.events.insertEvents(batch)).rejected.length;
    }
  };
  await Promise.all(Array.from({ length: config.writers }, (_, w) => writer(w)));
  loop.disable();
  const seconds = (performance.now() - started) / 1000;
  if (rejected > 0) throw new Error(`${rejected} bench events rejected`);
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = sampleMachine();
  const postgresCpu = await backendCpuSeconds(database);
  const cores = (cpuSeconds: number) => round(cpuSeconds / seconds);
  const machineBusy = (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total);
  const ownCores = (cpu.user + cpu.system) / 1e6 / seconds + (postgresCpu ?? 0) / seconds;
  return {
    eventsPerSecond: Math.round(raws.length / seconds),
    /**
     * Events per second of CPU spent by this bench and its PostgreSQL backends together: what the path costs,
     * whatever else the shared machine was doing. × the machine's cores is the rate on an idle machine if the
     * work spread perfectly over them (it cannot beat that; PGlite is one thread, so × 1 there).
     */
    eventsPerCoreSecond: Math.round(raws.length / seconds / ownCores),
    /** Longest the event loop was held: what an alert sharing the process (embedded mode) could wait. */
    eventLoopMaxMs: round(loop.max / 1e6),
    eventLoopP99Ms: round(loop.percentile(99) / 1e6),
    benchCores: cores((cpu.user + cpu.system) / 1e6),
    postgresCores: postgresCpu === null ? null : cores(postgresCpu),
    /** Of the machine's cores, busy with anything (this bench, PostgreSQL, and other work sharing it). */
    machineBusyCores: round(machineBusy * cpus().length),
  };
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

const round = (x: number) => Math.round(x * 100) / 100;

/** The most this path can do on this machine's cores when nothing else runs, from its cost per core-second. */
function ceilingNote(
  runs: { eventsPerCoreSecond: number; batch: number; writers: number }[],
  processor: number | null,
): string {
  const cheapest = runs.reduce((a, b) => (b.eventsPerCoreSecond > a.eventsPerCoreSecond ? b : a));
  const bound = cheapest.eventsPerCoreSecond * cpus().length;
  return (
    `Ceiling: on PostgreSQL the path costs at best ${cheapest.eventsPerCoreSecond.toLocaleString('en-US')} events per ` +
    `core-second (decode + COPY in Node, COPY in the backends; ${cheapest.batch}/batch, ${cheapest.writers} writer(s)), ` +
    `so ${cpus().length} idle cores bound it at ≈ ${bound.toLocaleString('en-US')} events/s` +
    (processor === null
      ? '.'
      : `, ${bound >= processor ? 'above' : 'below'} the processor's ${processor.toLocaleString('en-US')}.`)
  );
}
const label = (c: Config) => `${c.driver}, ${c.batch}/batch, ${c.writers} writer${c.writers > 1 ? 's' : ''}`;

async function run(context: SuiteContext): Promise<SuiteResult> {
  const n = context.quick ? 50_000 : 300_000;
  const rounds = context.quick ? 30 : 100;
  const startMs = Date.UTC(2030, 0, 1);
  const logger = pino({ level: 'warn' });
  const raws = rawEvents(n, startMs);
  const services = await startBenchServices({ need: ['postgres'], env: process.env, log: context.log });
  const ingest: (Config & Awaited<ReturnType<typeof load>>)[] = [];
  const searches: { driver: Driver; result: Awaited<ReturnType<typeof search>> }[] = [];
  try {
    for (const [i, config] of CONFIGS.entries()) {
      // Each configuration fills an empty table of its own: the same work for each, none inherits bloat.
      const dir = await mkdtemp(join(context.scratchDir, 'event-store-'));
      const testDb =
        config.driver === 'PostgreSQL'
          ? await createTestDatabase(services.postgres!.url, 'bench_events')
          : null;
      const database = await openDatabase(testDb ? { url: testDb.url, logger } : { dataDir: dir, logger });
      try {
        context.log(`[event-store] ${label(config)}: loading ${n} events over one hour`);
        const measured = await load(database, raws, config, startMs);
        ingest.push({ ...config, ...measured });
        context.log(
          `[event-store] ${label(config)}: ${measured.eventsPerSecond} events/s (${measured.eventsPerCoreSecond} per core-second), event loop max ${measured.eventLoopMaxMs} ms; ` +
            `cores: bench ${measured.benchCores}, postgres ${measured.postgresCores ?? 'n/a'}, machine ${measured.machineBusyCores}`,
        );
        // Search once per driver, on the table its last configuration filled.
        if (CONFIGS[i + 1]?.driver !== config.driver) {
          // What the indexer's periodic sweep does; the planner needs statistics (PGlite has no autovacuum).
          await database.events.pruneOlderThan(new Date(startMs - HOUR_MS));
          const result = await search(database.events, rounds, startMs);
          context.log(
            `[event-store] ${config.driver}: one-hour search p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
          );
          searches.push({ driver: config.driver, result });
        }
      } finally {
        await database.close();
        await testDb?.drop();
        await rm(dir, { recursive: true, force: true });
      }
    }
  } finally {
    await services.stop();
  }
  const best = (driver: Driver) =>
    ingest
      .filter((r) => r.driver === driver)
      .reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
  const pg = best('PostgreSQL');
  const processor = await processorSustained();
  const targets: TargetCheck[] = [
    {
      name: `event store ingest on PostgreSQL (decode + COPY), best of ${ingest.filter((r) => r.driver === 'PostgreSQL').length} configurations (${pg.batch}/batch, ${pg.writers} writer${pg.writers > 1 ? 's' : ''})`,
      target: processor
        ? `≥ ${processor.perSecond.toLocaleString('en-US')} events/s (one processor's sustained rate, end-to-end run of ${processor.date.slice(0, 16)})`
        : "≥ one processor's sustained rate (no end-to-end run recorded: run `npm run bench -- --only end-to-end` first)",
      measured: `${pg.eventsPerSecond.toLocaleString('en-US')} events/s`,
      met: processor !== null && pg.eventsPerSecond >= processor.perSecond,
    },
    ...searches.map(({ driver, result }) => ({
      name: `one-hour search p99, ${driver} (${n.toLocaleString('en-US')} events)`,
      target: `< ${SEARCH_P99_TARGET_MS} ms`,
      measured: `${result.p99Ms} ms (p50 ${result.p50Ms} ms)`,
      met: result.p99Ms < SEARCH_P99_TARGET_MS,
    })),
  ];
  return {
    suite: 'event-store',
    date: new Date().toISOString(),
    machine: describeMachine(),
    figures: {
      ingest: ingest.map((r) => ({
        driver: r.driver,
        events: n,
        batch: r.batch,
        writers: r.writers,
        why: r.why,
        eventsPerSecond: r.eventsPerSecond,
        eventsPerCoreSecond: r.eventsPerCoreSecond,
        eventLoopMaxMs: r.eventLoopMaxMs,
        eventLoopP99Ms: r.eventLoopP99Ms,
        benchCores: r.benchCores,
        postgresCores: r.postgresCores,
        machineBusyCores: r.machineBusyCores,
      })),
      search: searches.flatMap(({ driver, result }) => result.rows.map((r) => ({ driver, ...r }))),
      timeseries: searches.map(({ driver, result }) => ({ driver, meanMs: result.timeseriesMeanMs })),
    },
    targets,
    notes: [
      ceilingNote(
        ingest.filter((r) => r.driver === 'PostgreSQL'),
        processor?.perSecond ?? null,
      ),
      'Ingest is the indexer handler without the bus: the raw event bytes are made before the clock starts ' +
        '(the bus hands them over), then per batch the indexer decode (indexedEventOf) of each, and one insertEvents: COPY … FROM STDIN ' +
        "(pg-copy-streams) on PostgreSQL, COPY … FROM '/dev/blob' on PGlite, in chunks of 5,000 / 250 rows. " +
        'With several writers each takes every n-th batch, concurrently, on its own connection.',
      'Cores: the bench process (decode, COPY text; PGlite itself on PGlite), the PostgreSQL backends of the ' +
        "bench's database, and the whole machine busy (the rest is other work on the shared 2 cores). Per " +
        'core-second: events/s ÷ (bench + backend cores), the cost of the path whatever else ran; × 2 cores it ' +
        'bounds the rate on an idle machine of this kind (PGlite: × 1, it is one thread).',
      'Event loop max: the longest this process’s loop was held during the load (monitorEventLoopDelay, 5 ms ' +
        'resolution): on PGlite each COPY runs in this thread, which in embedded mode is the alert path’s thread.',
      'Indexes per row: id, ts, source, and the partial field indexes a row has (service, host, user_id, ip) and the ' +
        'partial text index for log messages: 4 to 7 of 8 (migration 0006).',
      'Search: limit 50 over a one-hour from/to, the first page of each shape, after ANALYZE (the sweep runs ' +
        "it), on the table of the driver's last configuration.",
    ],
    highlights: [
      ...ingest.map(
        (r) =>
          `${label(r)}: ${r.eventsPerSecond} events/s, ${r.eventsPerCoreSecond} per core-second (event loop max ${r.eventLoopMaxMs} ms; cores bench ${r.benchCores}, postgres ${r.postgresCores ?? 'in-process'}, machine ${r.machineBusyCores})`,
      ),
      ...searches.map(
        ({ driver, result }) => `${driver}: one-hour search p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`,
      ),
    ],
  };
}

export const eventStoreSuite: Suite = {
  name: 'event-store',
  description:
    'event explorer store: indexer ingest events/s (COPY, batch sizes, writers) and one-hour search p50/p99 on PGlite and PostgreSQL',
  run,
};
