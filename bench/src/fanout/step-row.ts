import type { ServerKind } from './fanout-protocol.ts';

/** One measured step: one server, one client count, one offered rate. */
export interface StepRow {
  server: ServerKind;
  clients: number;
  /** Connections open when the step began. */
  clientsOpen: number;
  /** sweep: the rising rates; 80pct: Vigil at 80 % of its max kept-up rate; profiled: under the CPU profiler. */
  kind: 'sweep' | '80pct' | 'profiled';
  /** Offered alerts/s. */
  rate: number;
  published: number;
  publishedPerSec: number;
  /** published × clients open at the start of the step. */
  expected: number;
  delivered: number;
  deliveredPercent: number;
  /** Frames received by all clients / (last receive − first publish). */
  deliveriesPerSec: number;
  /** Frames per client socket read: the server's write batching and the clients' read lag together. */
  framesPerRead: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  latencySamples: number;
  serverCpuPercent: number;
  /** deliveriesPerSec per server core busy: the server's efficiency, robust to a machine it shares. */
  deliveriesPerServerCoreSec: number;
  serverRssMiB: number;
  clientCpuPercent: number;
  clientMaxProcessCpuPercent: number;
  machineBusyPercent: number;
  /** CPU used by everything else on the machine (the runner, other people's work), in % of one core. */
  otherCpuPercent: number;
  /** Longest stall of the publishing driver's timer (Vigil and baselines publish in the server process). */
  maxTickGapMs: number;
  dropped: number;
  closeCodes: string;
  keptUp: boolean;
}

export interface LatencyCurve {
  server: ServerKind;
  clients: number;
  rate: number;
  kind: StepRow['kind'];
  points: { percentile: number; ms: number }[];
}

/** Published at least this share of the offered alerts: the server's own loop kept pace. */
export const KEPT_PUBLISH_SHARE = 0.95;
/** Delivered at least this share of published × clients before the drain ended. */
export const KEPT_DELIVERY_SHARE = 0.99;
/** A p99 above this means alerts queue up behind the fan-out instead of flowing: not keeping up. */
export const KEPT_P99_MS = 1_000;

/**
 * A step that fell behind still extends the sweep while it raised the server's best deliveries/s by at
 * least this factor: with many clients a server that cannot publish at the offered rate still delivers
 * more per broadcast as the rate rises (more frames per socket write), and its ceiling lies further up.
 */
export const THROUGHPUT_GAIN = 1.05;

type StepCounts = Pick<StepRow, 'delivered' | 'expected' | 'dropped'>;

/** Every client got (nearly) every alert the server published, and none was dropped: a valid throughput figure. */
export const complete = (row: StepCounts): boolean =>
  row.delivered >= KEPT_DELIVERY_SHARE * row.expected && row.dropped === 0;

/** Whether a step kept up: published on time, delivered nearly everything, no drops, no runaway queue. */
export function keptUp(row: Omit<StepRow, 'keptUp'>, durationMs: number): boolean {
  const offered = (row.rate * durationMs) / 1000;
  return row.published >= KEPT_PUBLISH_SHARE * offered && complete(row) && row.p99Ms < KEPT_P99_MS;
}
