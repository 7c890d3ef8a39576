/**
 * REST history (issue point 3): PostgreSQL holding 1,000,000 alerts (quick: 200,000), the real gateway in a
 * child process, autocannon in this one. Target: first page ≥ 10,000 req/s with p99 < 20 ms.
 */
import { mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '@vigil/db';
import { createTestDatabase } from '@vigil/harness/programs';
import pino from 'pino';
import { startBenchServices } from '../e2e/bench-services.ts';
import {
  describeProfile,
  findCpuProfile,
  type ProfileSummary,
  summarizeCpuProfile,
} from '../e2e/cpu-profile.ts';
import { loadAverage1m } from '../e2e/load-average.ts';
import { startGateway } from '../e2e/start-runnables.ts';
import { formatNumber } from '../e2e/stats.ts';
import { AUTH_NOTE } from '../lib/bench-auth.ts';
import { describeMachine } from '../lib/machine.ts';
import { runLoad } from '../rest/autocannon-run.ts';
import { deepCursor, restEndpoints } from '../rest/rest-endpoints.ts';
import { describeCpu, endpointNotes, loadEndpoints, type RestRow } from '../rest/rest-load.ts';
import { seedAlerts } from '../seed-alerts.ts';
import type { Suite, SuiteContext, SuiteResult, TargetCheck } from '../suite.ts';

const FULL_ROWS = 1_000_000;
const QUICK_ROWS = 200_000;
const CONNECTIONS = 50;
const DEEP_PAGES = 50;
const TARGET_RPS = 10_000;
const TARGET_P99_MS = 20;
const SEED_TARGET_SECONDS = 60;

async function profileFirstPage(
  context: SuiteContext,
  databaseUrl: string,
  dir: string,
): Promise<ProfileSummary | null> {
  const profileDir = join(dir, 'profile');
  await mkdir(profileDir, { recursive: true });
  const gateway = await startGateway({
    databaseUrl,
    dataDir: join(dir, 'gateway-profiled'),
    topicPrefix: '',
    logDir: dir,
    name: 'gateway-profiled',
    cpuProfileDir: profileDir,
  });
  const window = { fromMs: 0, toMs: 0 };
  try {
    window.fromMs = performance.now() - gateway.spawnedAt;
    await runLoad({
      name: 'profile',
      url: `${gateway.baseUrl}/api/alerts`,
      connections: CONNECTIONS,
      durationSeconds: 5,
    });
    window.toMs = performance.now() - gateway.spawnedAt;
  } finally {
    await gateway.stop();
  }
  const file = await findCpuProfile(profileDir);
  if (!file) context.log('[rest] the profiled gateway wrote no CPU profile');
  return file ? summarizeCpuProfile(file, window) : null;
}

/** What the throughput target would need on this design, from the measured cost per request. */
function costNote(first: RestRow): string {
  const { gateway } = first.cpuMsPerRequest;
  const needed = gateway ? Math.round((gateway * TARGET_RPS) / 100) / 10 : null;
  return (
    `First page: ${formatNumber(first.bytesPerResponse)} bytes per response (50 alerts with evidence); ` +
    `at ${gateway ?? 'n/a'} ms of gateway CPU per request, ${formatNumber(TARGET_RPS)} req/s would take about ` +
    `${needed ?? 'n/a'} cores of gateway alone (one gateway process uses one core for JavaScript).`
  );
}

function targetsOf(first: RestRow, seed: { rows: number; totalSeconds: number }): TargetCheck[] {
  const targets: TargetCheck[] = [
    {
      name: 'REST first page throughput',
      target: `≥ ${formatNumber(TARGET_RPS)} req/s`,
      measured: `${formatNumber(first.okPerSecond)} req/s`,
      met: first.okPerSecond >= TARGET_RPS,
    },
    {
      name: 'REST first page p99 latency',
      target: `< ${TARGET_P99_MS} ms`,
      measured: `${first.latencyMs.p99} ms`,
      met: first.latencyMs.p99 < TARGET_P99_MS,
    },
  ];
  if (seed.rows >= FULL_ROWS) {
    targets.push({
      name: 'seed 1,000,000 alerts',
      target: `< ${SEED_TARGET_SECONDS} s`,
      measured: `${seed.totalSeconds} s`,
      met: seed.totalSeconds < SEED_TARGET_SECONDS,
    });
  }
  return targets;
}

async function run(context: SuiteContext): Promise<SuiteResult> {
  const rows = context.quick ? QUICK_ROWS : FULL_ROWS;
  const durationSeconds = context.quick ? 3 : 20;
  const dir = join(context.scratchDir, 'rest');
  await mkdir(dir, { recursive: true });
  const machine = { ...describeMachine(), loadAverage1m: loadAverage1m() };
  const notes: string[] = [];
  if (context.quick)
    notes.push(`Quick mode: the table holds ${formatNumber(rows)} alerts, not ${formatNumber(FULL_ROWS)}.`);

  const services = await startBenchServices({ need: ['postgres'], env: process.env, log: context.log });
  try {
    const database = await createTestDatabase(services.postgres!.url, 'bench_rest');
    try {
      // openDatabase applies the committed migrations: the table, indexes and statistics of production.
      await (await openDatabase({ url: database.url, logger: pino({ level: 'warn' }) })).close();
      const now = Date.now();
      context.log(`[rest] seeding ${formatNumber(rows)} alerts`);
      const seed = await seedAlerts({ url: database.url, rows, now, log: context.log });
      context.log(`[rest] seeded in ${seed.totalSeconds} s (${seed.tableMiB} MiB with indexes)`);

      const gateway = await startGateway({
        databaseUrl: database.url,
        dataDir: join(dir, 'gateway'),
        topicPrefix: '',
        logDir: dir,
      });
      let results: RestRow[];
      let depth: number;
      try {
        const deep = await deepCursor(gateway.baseUrl, DEEP_PAGES);
        depth = deep.depth;
        results = await loadEndpoints({
          baseUrl: gateway.baseUrl,
          gatewayPid: gateway.pid,
          postgresPort: Number(new URL(database.url).port),
          endpoints: restEndpoints(now, deep.cursor),
          connections: CONNECTIONS,
          durationSeconds,
          warmupSeconds: context.quick ? 1 : 3,
          log: context.log,
        });
      } finally {
        await gateway.stop();
      }

      const first = results[0]!;
      const targets = targetsOf(first, seed);
      notes.push(`First page under load: CPU ${describeCpu(first.cpuCores, cpus().length)}.`);
      notes.push(costNote(first), ...endpointNotes(results), AUTH_NOTE);
      let profile: ProfileSummary | null = null;
      if (targets.some((t) => !t.met)) {
        context.log('[rest] a target was missed: profiling the gateway on the first page for 5 s');
        profile = await profileFirstPage(context, database.url, dir);
        if (profile) notes.push(describeProfile(profile, 'Gateway (first page, 5 s)'));
      }
      return {
        suite: 'rest',
        date: new Date().toISOString(),
        machine: { ...machine, loadAverage1mAtEnd: loadAverage1m() },
        figures: {
          alerts: rows,
          seed,
          connections: CONNECTIONS,
          pipelining: 1,
          durationSeconds,
          deepCursorPages: depth,
          endpoints: results,
          ...(profile ? { gatewayProfile: profile } : {}),
        },
        targets,
        notes,
      };
    } finally {
      await database.drop();
    }
  } finally {
    await services.stop();
  }
}

const suite: Suite = {
  name: 'rest',
  description:
    'REST history over PostgreSQL with 1,000,000 alerts: req/s and latency per endpoint (autocannon)',
  run,
};

export default suite;
