/**
 * The warm-up before the measured latency steps. A Kafka broker started seconds before spends its first
 * half-minute of load compiling: HotSpot's C1 and C2 threads used ≈ 6 core-seconds in the first 25 s at
 * 5,000 events/s (up to half a core), on a machine of two cores where every hop waits for that core. Two quick
 * runs after a 3 s warm-up measured p50 16–34 ms at 5,000 events/s; one after 30 s, 9 ms (2026-12-04). A production broker has been running for days, so the bench measures that steady state: it drives
 * the pipeline in short rounds, cycling through the measured rates, until a whole cycle in which the
 * broker's compiler threads stayed below `quietCores`, or `maxMs` have passed (said in the notes). A broker
 * whose process is not visible here (KAFKA_BROKERS elsewhere) gets one cycle, and the notes say it was not watched.
 */
import { threadCpuSeconds } from './proc-cpu.ts';

/** HotSpot's JIT compiler threads (`C1 CompilerThread0`, `C2 CompilerThread0`, …). */
const COMPILER_THREADS = ['C1 Compiler', 'C2 Compiler'];

/** CPU seconds used so far by the JIT compiler threads of the broker's processes; null when none is visible. */
export const brokerJitSeconds = (pids: () => number[]) => (): number | null => {
  const found = pids();
  return found.length > 0 ? threadCpuSeconds(found, COMPILER_THREADS) : null;
};

export interface WarmUp {
  seconds: number;
  rounds: number;
  /** False when the broker's process was not visible: one cycle of rates, its compiling not measured. */
  watched: boolean;
  /** The threshold a round's compiling stayed under to count as quiet, in cores. */
  quietCores: number;
  /** Core-seconds the broker's compiler threads used during the warm-up (null: not watched). */
  compileCoreSeconds: number | null;
  /** Cores the compiler threads used in each round, in order. */
  compileCoresByRound: number[];
  /** True when a whole cycle of rates stayed below `quietCores` before the time ran out. */
  settled: boolean;
}

export async function warmUp(options: {
  rates: readonly number[];
  /** Drives the pipeline at `rate` for `durationMs` (a latency step whose figures are dropped). */
  drive: (rate: number, durationMs: number, round: number) => Promise<unknown>;
  /** CPU seconds the broker's JIT has used so far (`brokerJitSeconds`); null when it cannot be seen. */
  jitSeconds: () => number | null;
  roundMs?: number;
  maxMs: number;
  /** Compiler threads' cores in a round below which it counts as quiet. */
  quietCores?: number;
  log: (line: string) => void;
}): Promise<WarmUp> {
  const roundMs = options.roundMs ?? 4_000;
  const quietCores = options.quietCores ?? 0.03;
  const { rates, log } = options;
  const started = performance.now();
  const atStart = options.jitSeconds();
  const byRound: number[] = [];
  let quietInARow = 0;
  let rounds = 0;
  while (quietInARow < rates.length && performance.now() - started < options.maxMs) {
    const rate = rates[rounds % rates.length]!;
    const before = options.jitSeconds();
    const roundStarted = performance.now();
    await options.drive(rate, roundMs, rounds);
    rounds += 1;
    const after = options.jitSeconds();
    if (atStart === null || before === null || after === null) {
      log(`[e2e] warm-up round ${rounds} at ${rate} events/s (the broker's JIT is not visible here)`);
      if (rounds >= rates.length) break; // one cycle of the rates, unwatched
      continue;
    }
    const cores = (after - before) / ((performance.now() - roundStarted) / 1000);
    byRound.push(Math.round(cores * 1000) / 1000);
    quietInARow = cores < quietCores ? quietInARow + 1 : 0;
    log(`[e2e] warm-up round ${rounds} at ${rate} events/s: broker JIT ${cores.toFixed(3)} cores`);
  }
  const atEnd = options.jitSeconds();
  const watched = atStart !== null && atEnd !== null;
  return {
    seconds: Math.round((performance.now() - started) / 100) / 10,
    rounds,
    watched,
    quietCores,
    compileCoreSeconds: watched ? Math.round((atEnd - atStart) * 100) / 100 : null,
    compileCoresByRound: byRound,
    settled: watched && quietInARow >= rates.length,
  };
}
