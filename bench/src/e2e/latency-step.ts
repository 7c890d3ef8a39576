/**
 * One rate step of the end-to-end latency measurement: produce at a steady rate, match each alert the
 * WebSocket client receives to the measured event behind it (evidence.eventIds), and time the whole path.
 */
import type { Bus, TopicNames } from '@vigil/core';
import { waitFor } from '@vigil/harness/programs';
import type { AlertListener } from './alert-listener.ts';
import { producePaced } from './paced-producer.ts';
import { type CpuShares, watchCpu } from './proc-cpu.ts';
import { type Distribution, distribution } from './stats.ts';

export interface LatencyStep {
  ratePerSecond: number;
  achievedPerSecond: number;
  durationSeconds: number;
  measuredEvents: number;
  alertsMatched: number;
  /** Measured events whose alert had not arrived DRAIN_MS after the last send. */
  missing: number;
  /** Kafka produce (just before the send) → WebSocket frame parsed in the client, ms. */
  latencyMs: Distribution;
  /**
   * The same path split at the processor's rule evaluation (alert.detectedAt) and its publish to the alerts
   * topic after the PostgreSQL insert (alert.publishedAt); wall clocks of one machine, ms resolution.
   */
  hops: {
    produceToDetectedMs: Distribution;
    detectedToPublishedMs: Distribution;
    publishedToClientMs: Distribution;
  };
  /** Mean bytes of one alert frame. */
  frameBytes: number;
  cpuCores: CpuShares;
}

const DRAIN_MS = 10_000;

export async function runLatencyStep(options: {
  bus: Bus;
  topics: TopicNames;
  listener: AlertListener;
  ratePerSecond: number;
  warmupMs: number;
  durationMs: number;
  measuredPerSecond: number;
  runId: string;
  cpuGroups: Record<string, () => number[]>;
}): Promise<LatencyStep> {
  const sent = new Map<string, { at: number; wall: number }>();
  const latencies: number[] = [];
  const toDetected: number[] = [];
  const toPublished: number[] = [];
  const toClient: number[] = [];
  let frameBytes = 0;
  options.listener.onAlert((alert, receivedAt, receivedWallMs, bytes) => {
    for (const id of alert.evidence?.eventIds ?? []) {
      const produced = sent.get(id);
      if (!produced) continue;
      sent.delete(id);
      latencies.push(receivedAt - produced.at);
      frameBytes += bytes;
      if (alert.publishedAt) {
        const detected = Date.parse(alert.detectedAt);
        const published = Date.parse(alert.publishedAt);
        toDetected.push(detected - produced.wall);
        toPublished.push(published - detected);
        toClient.push(receivedWallMs - published);
      }
    }
  });
  const base = { bus: options.bus, topics: options.topics, ratePerSecond: options.ratePerSecond };
  // Warm-up at the same rate: its alerts are not recorded (no ids are registered).
  await producePaced({
    ...base,
    durationMs: options.warmupMs,
    measuredPerSecond: options.measuredPerSecond,
    runId: `${options.runId}w`,
    onMeasured: () => undefined,
  });
  const cpu = watchCpu(options.cpuGroups);
  const result = await producePaced({
    ...base,
    durationMs: options.durationMs,
    measuredPerSecond: options.measuredPerSecond,
    runId: options.runId,
    onMeasured: (id, at, wall) => {
      sent.set(id, { at, wall });
    },
  });
  const cpuCores = cpu.stop();
  // A timeout is a result, not an error: the alerts still missing are reported as `missing`.
  await waitFor(() => sent.size === 0 || options.listener.failure(), { timeoutMs: DRAIN_MS }).catch(
    () => undefined,
  );
  const failure = options.listener.failure();
  if (failure) throw failure;
  return {
    ratePerSecond: options.ratePerSecond,
    achievedPerSecond: result.achievedPerSecond,
    durationSeconds: options.durationMs / 1000,
    measuredEvents: result.measured,
    alertsMatched: latencies.length,
    missing: sent.size,
    latencyMs: distribution(latencies),
    hops: {
      produceToDetectedMs: distribution(toDetected),
      detectedToPublishedMs: distribution(toPublished),
      publishedToClientMs: distribution(toClient),
    },
    frameBytes: latencies.length === 0 ? 0 : Math.round(frameBytes / latencies.length),
    cpuCores,
  };
}
