/**
 * End to end (issue point 2): Kafka produce → real processor → alerts topic → real gateway → WebSocket
 * client, latency at 1k/5k/20k events/s (quick: 1k/5k); the maximum sustained events/s of one processor
 * with archive and persistence on; and the polling dashboards it replaces. Targets: at 5,000 events/s
 * p50 < 10 ms and p99 < 50 ms; one processor ≥ 50,000 events/s.
 */
import { mkdir } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createKafkaBus } from '@vigil/adapters';
import { openDatabase } from '@vigil/db';
import { createTestDatabase } from '@vigil/harness/programs';
import pino from 'pino';
import { measureThroughput, type ThroughputResult } from '../e2e/backlog-throughput.ts';
import { startBenchServices } from '../e2e/bench-services.ts';
import { describeProfile } from '../e2e/cpu-profile.ts';
import { e2eNotes, e2eTargets } from '../e2e/e2e-targets.ts';
import { type LatencyStep, runLatencyStep } from '../e2e/latency-step.ts';
import { startLivePipeline } from '../e2e/live-pipeline.ts';
import { loadAverage1m } from '../e2e/load-average.ts';
import { measurePolling, pushRow } from '../e2e/polling-model.ts';
import { brokerJitSeconds, type WarmUp, warmUp } from '../e2e/warm-up.ts';
import { AUTH_NOTE } from '../lib/bench-auth.ts';
import { describeMachine } from '../lib/machine.ts';
import type { Suite, SuiteContext, SuiteResult } from '../suite.ts';

const DASHBOARDS = 1_000;
/** Alerts per second among the events: constant, so each step differs only in event rate. */
const MEASURED_PER_SECOND = 100;
/** One event in this many raises an alert in the throughput backlog (persistence is exercised). */
const BACKLOG_ALERT_EVERY = 500;

interface Plan {
  rates: number[];
  stepMs: number;
  backlog: number;
  profileBacklog: number;
  pollSeconds: number;
  /** The longest warm-up (warm-up.ts): it ends earlier once the broker's JIT compiler is quiet. */
  warmUpMaxMs: number;
}

const plan = (quick: boolean): Plan =>
  quick
    ? {
        rates: [1_000, 5_000],
        stepMs: 6_000,
        backlog: 200_000,
        profileBacklog: 100_000,
        pollSeconds: 3,
        warmUpMaxMs: 60_000,
      }
    : {
        rates: [1_000, 5_000, 20_000],
        stepMs: 20_000,
        backlog: 1_000_000,
        profileBacklog: 300_000,
        pollSeconds: 10,
        warmUpMaxMs: 120_000,
      };

async function run(context: SuiteContext): Promise<SuiteResult> {
  const p = plan(context.quick);
  const dir = join(context.scratchDir, 'end-to-end');
  await mkdir(dir, { recursive: true });
  const machine = { ...describeMachine(), loadAverage1m: loadAverage1m() };
  const services = await startBenchServices({
    need: ['kafka', 'postgres'],
    env: process.env,
    log: context.log,
  });
  const brokers = services.kafka?.brokers ?? [];
  // Silent: kafkajs logs the retries it makes on its own (a new topic's leader not elected yet) as errors;
  // a publish that really fails rejects, and that fails the suite.
  const bus = createKafkaBus({ brokers, clientId: 'vigil-bench', logger: pino({ level: 'silent' }) });
  try {
    const database = await createTestDatabase(services.postgres!.url, 'bench_e2e');
    try {
      // Migrated once here, so the processor and the gateway do not race to apply the same migrations.
      await (await openDatabase({ url: database.url, logger: pino({ level: 'warn' }) })).close();
      const live = await startLivePipeline({ bus, brokers, databaseUrl: database.url, dir });
      const steps: LatencyStep[] = [];
      let polling: Awaited<ReturnType<typeof measurePolling>>;
      let warm: WarmUp;
      try {
        const step = (rate: number, warmupMs: number, durationMs: number, runId: string) =>
          runLatencyStep({
            bus,
            topics: live.topics,
            listener: live.listener,
            ratePerSecond: rate,
            warmupMs,
            durationMs,
            measuredPerSecond: MEASURED_PER_SECOND,
            runId,
            cpuGroups: live.cpuGroups,
          });
        context.log(
          `[e2e] warming up the pipeline until the broker's JIT is quiet (at most ${p.warmUpMaxMs / 1000} s)`,
        );
        warm = await warmUp({
          rates: p.rates,
          drive: (rate, durationMs, round) => step(rate, 0, durationMs, `warmup${round}`),
          jitSeconds: brokerJitSeconds(live.cpuGroups.kafka!),
          maxMs: p.warmUpMaxMs,
          log: context.log,
        });
        for (const rate of p.rates) {
          const result = await step(rate, 2_000, p.stepMs, `r${rate}`);
          steps.push(result);
          context.log(
            `[e2e] ${rate} events/s (achieved ${result.achievedPerSecond}): p50 ${result.latencyMs.p50} ms, ` +
              `p99 ${result.latencyMs.p99} ms, ${result.alertsMatched} alerts, ${result.missing} missing`,
          );
        }
        context.log(`[e2e] polling comparison: ${DASHBOARDS} dashboards`);
        polling = await measurePolling({
          baseUrl: live.gateway.baseUrl,
          dashboards: DASHBOARDS,
          intervalsSeconds: [30, 1],
          durationSeconds: p.pollSeconds,
        });
      } finally {
        await live.stop();
      }

      const throughputOptions = { bus, brokers, databaseUrl: database.url, dir, log: context.log };
      const throughput = await measureThroughput({
        ...throughputOptions,
        events: p.backlog,
        alertEvery: BACKLOG_ALERT_EVERY,
        timeoutMs: 600_000,
      });
      context.log(
        `[e2e] one processor: ${throughput.sustained.perSecond} events/s sustained ` +
          `(peak ${throughput.peak1sPerSecond}), start-up ${throughput.startupMs} ms`,
      );

      const at5k = steps.find((s) => s.ratePerSecond === 5_000) ?? steps.at(-1)!;
      const targets = e2eTargets(at5k, throughput);
      let profiled: ThroughputResult | null = null;
      if (targets.some((t) => !t.met)) {
        context.log('[e2e] a target was missed: profiling the processor on a smaller backlog');
        profiled = await measureThroughput({
          ...throughputOptions,
          events: p.profileBacklog,
          alertEvery: BACKLOG_ALERT_EVERY,
          timeoutMs: 300_000,
          profile: true,
        });
      }
      const notes = e2eNotes({ quick: context.quick, steps, throughput, warm, cores: cpus().length });
      notes.push(AUTH_NOTE);
      if (profiled?.profile) {
        notes.push(
          describeProfile(
            profiled.profile,
            `Processor (profiled backlog of ${profiled.events} events, ` +
              `${profiled.sustained.perSecond} events/s under the profiler)`,
          ),
        );
      }
      return {
        suite: 'end-to-end',
        date: new Date().toISOString(),
        machine: { ...machine, loadAverage1mAtEnd: loadAverage1m() },
        figures: {
          measuredAlertsPerSecond: MEASURED_PER_SECOND,
          archive: 'filesystem (DATA_DIR)',
          warmUp: warm,
          latencySteps: steps,
          throughput,
          polling: [...polling, pushRow(DASHBOARDS, at5k.latencyMs, at5k.frameBytes)],
          ...(profiled?.profile ? { processorProfile: profiled.profile } : {}),
        },
        targets,
        notes,
      };
    } finally {
      await database.drop();
    }
  } finally {
    await bus.stop();
    await services.stop();
  }
}

const suite: Suite = {
  name: 'end-to-end',
  description:
    'Kafka → processor → gateway → WebSocket latency at 1k/5k/20k events/s, one processor’s throughput, polling vs push',
  run,
};

export default suite;
