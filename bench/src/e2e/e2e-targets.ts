/** The end-to-end suite's targets (issue point 2) and the notes that explain its figures. */
import { describeCpu } from '../rest/rest-load.ts';
import type { TargetCheck } from '../suite.ts';
import type { ThroughputResult } from './backlog-throughput.ts';
import type { LatencyStep } from './latency-step.ts';
import { formatNumber } from './stats.ts';
import type { WarmUp } from './warm-up.ts';

const P50_MS = 10;
const P99_MS = 50;
const PROCESSOR_EVENTS_PER_SECOND = 50_000;

export function e2eTargets(at5k: LatencyStep, throughput: ThroughputResult): TargetCheck[] {
  const rate = formatNumber(at5k.ratePerSecond);
  const complete = at5k.missing === 0;
  return [
    {
      name: `Kafka produce → WebSocket receive p50 at ${rate} events/s`,
      target: `< ${P50_MS} ms`,
      measured: `${at5k.latencyMs.p50} ms${complete ? '' : ` (${at5k.missing} alerts missing)`}`,
      met: complete && at5k.latencyMs.p50 < P50_MS,
    },
    {
      name: `Kafka produce → WebSocket receive p99 at ${rate} events/s`,
      target: `< ${P99_MS} ms`,
      measured: `${at5k.latencyMs.p99} ms${complete ? '' : ` (${at5k.missing} alerts missing)`}`,
      met: complete && at5k.latencyMs.p99 < P99_MS,
    },
    {
      name: 'one processor, sustained (archive and persistence on)',
      target: `≥ ${formatNumber(PROCESSOR_EVENTS_PER_SECOND)} events/s`,
      measured: `${formatNumber(throughput.sustained.perSecond)} events/s${throughput.sustained.complete ? '' : ' (backlog not finished)'}`,
      met: throughput.sustained.complete && throughput.sustained.perSecond >= PROCESSOR_EVENTS_PER_SECOND,
    },
  ];
}

export function e2eNotes(input: {
  quick: boolean;
  steps: readonly LatencyStep[];
  throughput: ThroughputResult;
  warm: WarmUp;
  cores: number;
}): string[] {
  const { steps, throughput, warm, cores } = input;
  const notes: string[] = [];
  notes.push(
    `Warm-up (e2e/warm-up.ts): ${warm.seconds} s in ${warm.rounds} rounds cycling through the measured rates` +
      (!warm.watched
        ? '; the broker’s process is not visible here (an external Kafka), so its JIT was not watched: one cycle.'
        : (warm.settled
            ? `, until a whole cycle in which the broker’s JIT compiler threads used under ${warm.quietCores * 100} % of a core`
            : ', **cut short before the broker’s JIT compiler threads were quiet**: the first steps include its compiling') +
          `; they used ${warm.compileCoreSeconds} core-seconds meanwhile (per round: ${warm.compileCoresByRound.join(', ')} cores).`),
  );
  if (input.quick) {
    notes.push(
      `Quick mode: rates ${steps.map((s) => formatNumber(s.ratePerSecond)).join(' and ')} events/s only, ` +
        `${steps[0]?.durationSeconds ?? 0} s each; a backlog of ${formatNumber(throughput.events)} events for the throughput run.`,
    );
  }
  for (const step of steps) {
    const hops = step.hops;
    const hop = (name: string, d: LatencyStep['latencyMs']) => `${name} p50 ${d.p50} / p99 ${d.p99} ms`;
    notes.push(
      `${formatNumber(step.ratePerSecond)} events/s, where the time goes: ` +
        `${hop('produce → rule evaluated (Kafka, consumer fetch, decode)', hops.produceToDetectedMs)}; ` +
        `${hop('evaluated → published (PostgreSQL insert, alerts produce)', hops.detectedToPublishedMs)}; ` +
        `${hop('published → client (gateway consume, fan-out, WebSocket)', hops.publishedToClientMs)} ` +
        `(wall clocks, ms resolution). CPU ${describeCpu(step.cpuCores, cores)}.`,
    );
  }
  const at5k = steps.find((s) => s.ratePerSecond === 5_000);
  if (at5k) {
    const names = {
      produceToDetectedMs: 'Kafka delivery to the processor (produce → rule evaluated)',
      detectedToPublishedMs: 'the processor’s PostgreSQL insert and alerts produce',
      publishedToClientMs: 'the gateway (alerts topic → WebSocket frame)',
    } as const;
    const [worst] = (Object.keys(names) as (keyof typeof names)[]).sort(
      (a, b) => at5k.hops[b].p99 - at5k.hops[a].p99,
    );
    notes.push(
      `At 5,000 events/s the tail is ${names[worst!]}: p99 ${at5k.hops[worst!].p99} ms of the ` +
        `${at5k.latencyMs.p99} ms end to end.`,
    );
  }
  notes.push(
    `Throughput run: the processor started in ${formatNumber(throughput.startupMs)} ms, then handled ` +
      `${formatNumber(throughput.events)} events in ${throughput.sustained.seconds} s ` +
      `(${formatNumber(throughput.alertsRaised)} alerts persisted and published, ${throughput.archiveObjects} archive objects); ` +
      `CPU ${describeCpu(throughput.cpuCores, cores)}.`,
  );
  return notes;
}
