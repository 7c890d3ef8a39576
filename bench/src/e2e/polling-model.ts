/**
 * What the predecessor dashboards cost: each polled the REST API every 30 s (or 1 s). With alerts arriving
 * uniformly in time, an alert waits U(0, T) for the next poll, then one REST round trip: mean T/2 + mean
 * latency, p99 ≈ 0.99 T + p99 latency. The REST latency is measured here at exactly the load N dashboards
 * make (N / T requests/s on the gateway's first page); Vigil's push latency comes from the WebSocket steps.
 */
import { runLoad } from '../rest/autocannon-run.ts';
import type { Distribution } from './stats.ts';

export interface PollingRow {
  mode: string;
  dashboards: number;
  /** Requests/s that N dashboards send to the REST API. */
  requestsPerSecond: number;
  /** Requests/s the gateway actually answered during the measurement (below the above: it could not keep up). */
  answeredPerSecond?: number;
  /** Response bytes/s those requests download. */
  bytesPerSecond: number;
  timeToSeeMeanMs: number;
  timeToSeeP99Ms: number;
  restLatencyMs?: Distribution;
}

export async function measurePolling(options: {
  baseUrl: string;
  dashboards: number;
  intervalsSeconds: readonly number[];
  durationSeconds: number;
}): Promise<PollingRow[]> {
  const rows: PollingRow[] = [];
  for (const interval of options.intervalsSeconds) {
    const rate = options.dashboards / interval;
    const row = await runLoad({
      name: `poll ${interval} s`,
      url: `${options.baseUrl}/api/alerts`,
      connections: Math.max(1, Math.min(50, Math.round(rate / 10))),
      durationSeconds: options.durationSeconds,
      overallRate: Math.max(1, Math.round(rate)),
    });
    rows.push({
      mode: `poll REST every ${interval} s`,
      dashboards: options.dashboards,
      requestsPerSecond: Math.round(rate * 10) / 10,
      answeredPerSecond: row.okPerSecond,
      bytesPerSecond: Math.round(rate * row.bytesPerResponse),
      timeToSeeMeanMs: Math.round((interval * 1000) / 2 + row.latencyMs.mean),
      timeToSeeP99Ms: Math.round(interval * 1000 * 0.99 + row.latencyMs.p99),
      restLatencyMs: row.latencyMs,
    });
  }
  return rows;
}

/** Vigil's row: no polling at all; each alert is one frame per dashboard whose filter matches it. */
export function pushRow(
  dashboards: number,
  latency: Distribution,
  frameBytes: number,
): PollingRow & { bytesPerAlert: number } {
  return {
    mode: 'Vigil push over WebSocket',
    dashboards,
    requestsPerSecond: 0,
    bytesPerSecond: 0,
    bytesPerAlert: frameBytes * dashboards,
    timeToSeeMeanMs: latency.mean,
    timeToSeeP99Ms: latency.p99,
  };
}
