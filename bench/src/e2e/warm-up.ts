/**
 * The warm-up before the measured latency steps. A Kafka broker started seconds before spends its first
 * half-minute of load compiling: HotSpot's C1 and C2 threads used ≈ 6 core-seconds in the first 25 s at
 * 5,000 events/s (up to half a core), on a machine of two cores where every hop waits for that core. Quick
 * runs after a 3 s warm-up measured p50 16–34 ms at 5,000 events/s; after 30 s, 9 ms (2026-12-04, one run
 * each). A production broker has been running for days, so the bench measures that steady state: it drives
 * the pipeline in short rounds, cycling through the measured rates, until a whole cycle in which the
 * broker's compiler threads stayed below `quietCores`, or `maxMs` have passed (said in the notes).
 */
import { threadCpuSeconds } from './proc-cpu.ts';

/** HotSpot's JIT compiler threads (`C1 CompilerThread0`, `C2 CompilerThread0`, …). */
const COMPILER_THREADS = ['C1 Compiler', 'C2 Compiler'];

/** CPU seconds used so far by the JIT compiler threads of the broker's processes. */
export const brokerJitSeconds = (pids: () => number[]) => (): number =>
  threadCpuSeconds(pids(), COMPILER_THREADS);

export interface WarmUp {
  seconds: number;
  rounds: number;
  /** Core-seconds the broker's compiler threads used during the warm-up. */
  compileCoreSeconds: number;
  /** Cores the compiler threads used in each round, in order. */
  compileCoresByRound: number[];
  /** True when a whole cycle of rates stayed below the threshold before the time ran out. */
  settled: boolean;
}

export async function warmUp(options: {
  rates: readonly number[];
  /** Drives the pipeline at `rate` for `durationMs` (a latency step whose figures are dropped). */
  drive: (rate: number, durationMs: number, round: number) => Promise<unknown>;
  /** CPU seconds the broker's JIT has used so far (`brokerJitSeconds`). */
  jitSeconds: () => number;
  roundMs?: number;
  maxMs: number;
  /** Compiler threads' cores in a round below which it counts as quiet. */
  quietCores?: number;
  log: (line: string) => void;
}): Promise<WarmUp> {
  const roundMs = options.roundMs ?? 4_000;
  const quietCores = options.quietCores ?? 0.03;
  const compiled = options.jitSeconds;
  const started = performance.now();
  const atStart = compiled();
  const byRound: number[] = [];
  let quietInARow = 0;
  for (let round = 0; quietInARow < options.rates.length; round++) {
    if (performance.now() - started >= options.maxMs) break;
    const rate = options.rates[round % options.rates.length]!;
    const before = compiled();
    const roundStarted = performance.now();
    await options.drive(rate, roundMs, round);
    const cores = (compiled() - before) / ((performance.now() - roundStarted) / 1000);
    byRound.push(Math.round(cores * 1000) / 1000);
    quietInARow = cores < quietCores ? quietInARow + 1 : 0;
    options.log(`[e2e] warm-up round ${round + 1} at ${rate} events/s: broker JIT ${cores.toFixed(3)} cores`);
  }
  return {
    seconds: Math.round((performance.now() - started) / 100) / 10,
    rounds: byRound.length,
    compileCoreSeconds: Math.round((compiled() - atStart) * 100) / 100,
    compileCoresByRound: byRound,
    settled: quietInARow >= options.rates.length,
  };
}
