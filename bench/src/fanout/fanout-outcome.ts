import type { ProfileEntry } from '../lib/cpu-profile.ts';
import type { ServerKind } from './fanout-protocol.ts';
import { complete, type LatencyCurve, type StepRow } from './step-row.ts';

/** Everything the fan-out suite measured, across servers and client tiers. */
export interface FanoutOutcome {
  tiers: number[];
  servers: readonly ServerKind[];
  rows: StepRow[];
  curves: LatencyCurve[];
  profiles: { server: ServerKind; clients: number; rate: number; top: ProfileEntry[] }[];
  errors: { server: ServerKind; clients: number; error: string }[];
  connectMs: { server: ServerKind; clients: number; ms: number }[];
}

const sweepOf = (rows: StepRow[], server: ServerKind, clients: number) =>
  rows.filter((r) => r.server === server && r.clients === clients && r.kind === 'sweep');

/**
 * The step with the most deliveries/s among those where every client got every alert: the server's
 * measured throughput ceiling at that client count (any step, if none was complete).
 */
export function peakRow(rows: StepRow[], server: ServerKind, clients: number): StepRow | null {
  const sweep = sweepOf(rows, server, clients);
  const candidates = sweep.some(complete) ? sweep.filter(complete) : sweep;
  let best: StepRow | null = null;
  for (const row of candidates) if (!best || row.deliveriesPerSec > best.deliveriesPerSec) best = row;
  return best;
}

/** Rates of the sweep the server kept up with. */
export const keptRates = (rows: StepRow[], server: ServerKind, clients: number): number[] =>
  sweepOf(rows, server, clients)
    .filter((r) => r.keptUp)
    .map((r) => r.rate);

/** True when the sweep never saw the server fall behind: its max rate is only a lower bound. */
export const neverSaturated = (rows: StepRow[], server: ServerKind, clients: number): boolean => {
  const sweep = sweepOf(rows, server, clients);
  return sweep.length > 0 && sweep.every((r) => r.keptUp);
};

export const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
export const fmtRate = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : `${Math.round(n)}`;

/** Milliseconds for text: 2 decimals under 10 ms, 1 under 100, whole above. */
export const fmtMs = (ms: number) =>
  ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : String(Math.round(ms));
