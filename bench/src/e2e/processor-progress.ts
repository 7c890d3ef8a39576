/** Reads a processor's progress from its Prometheus endpoint (the counter the issue names). */

/** Sum of every series of a counter, e.g. `vigil_processor_events_total` (one series per source). */
export function metricSum(metricsText: string, name: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function readMetric(metricsUrl: string, name = 'vigil_processor_events_total'): Promise<number> {
  const response = await fetch(metricsUrl);
  if (!response.ok) throw new Error(`${metricsUrl} answered ${response.status}`);
  return metricSum(await response.text(), name);
}

export interface ProgressSample {
  /** ms since the processor was spawned. */
  atMs: number;
  events: number;
}

/** Polls every `intervalMs` until `target` events are counted or `timeoutMs` passes; returns the samples. */
export async function watchProgress(options: {
  metricsUrl: string;
  spawnedAt: number;
  target: number;
  timeoutMs: number;
  intervalMs?: number;
}): Promise<ProgressSample[]> {
  const samples: ProgressSample[] = [];
  const deadline = performance.now() + options.timeoutMs;
  for (;;) {
    const events = await readMetric(options.metricsUrl);
    samples.push({ atMs: Math.round(performance.now() - options.spawnedAt), events });
    if (events >= options.target || performance.now() > deadline) return samples;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}

/** Events/s from the first sample that saw an event to the first that saw them all (or the last one). */
export function sustainedRate(samples: readonly ProgressSample[], target: number) {
  const first = samples.find((s) => s.events > 0);
  const last = samples.find((s) => s.events >= target) ?? samples.at(-1);
  if (!first || !last || last.atMs <= first.atMs) return { perSecond: 0, seconds: 0, complete: false };
  const seconds = (last.atMs - first.atMs) / 1000;
  return {
    perSecond: Math.round((last.events - first.events) / seconds),
    seconds: Math.round(seconds * 10) / 10,
    complete: last.events >= target,
  };
}

/** Highest rate over any window of about `windowMs` (the steady state, without start-up and tail). */
export function peakRate(samples: readonly ProgressSample[], windowMs = 1_000): number {
  let best = 0;
  for (let i = 0, j = 0; i < samples.length; i++) {
    while (j < samples.length && samples[j]!.atMs - samples[i]!.atMs < windowMs) j++;
    if (j >= samples.length) break;
    const a = samples[i]!;
    const b = samples[j]!;
    best = Math.max(best, ((b.events - a.events) * 1000) / (b.atMs - a.atMs));
  }
  return Math.round(best);
}
