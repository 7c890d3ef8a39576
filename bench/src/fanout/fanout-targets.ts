import type { TargetCheck } from '../suite.ts';
import {
  type FanoutOutcome,
  fmtInt,
  fmtMs,
  fmtRate,
  keptRates,
  neverSaturated,
  peakRow,
} from './fanout-outcome.ts';
import { SERVER_LABELS, type ServerKind } from './fanout-protocol.ts';

/** Latency target of the issue: p99 delivery under this at 80 % of Vigil's max rate, 1,000 clients. */
export const P99_TARGET_MS = 50;
/** The tier the latency target is measured at (10,000 sockets cost ~100 ms of kernel time per broadcast here). */
export const LATENCY_TIER = 1_000;

export const RATIO_TARGETS: { against: ServerKind; atLeast: number }[] = [
  { against: 'uws', atLeast: 0.8 },
  { against: 'ws', atLeast: 5 },
  { against: 'socketio', atLeast: 5 },
];

/** The fan-out targets, each computed from the measured rows. */
export function fanoutTargets(outcome: FanoutOutcome): TargetCheck[] {
  const targets: TargetCheck[] = [];
  for (const clients of outcome.tiers) {
    const vigil = peakRow(outcome.rows, 'vigil', clients);
    for (const { against, atLeast } of RATIO_TARGETS) {
      const other = peakRow(outcome.rows, against, clients);
      const name = `Vigil vs ${SERVER_LABELS[against]} deliveries/s, ${fmtInt(clients)} clients`;
      const target = `≥ ${atLeast}×`;
      if (!vigil || !other || other.deliveriesPerSec === 0) {
        targets.push({ name, target, measured: 'not measured (see errors)', met: false });
        continue;
      }
      const ratio = vigil.deliveriesPerSec / other.deliveriesPerSec;
      targets.push({
        name,
        target,
        measured: `${ratio.toFixed(2)}× (${fmtRate(vigil.deliveriesPerSec)}/s vs ${fmtRate(other.deliveriesPerSec)}/s)`,
        met: ratio >= atLeast,
      });
    }
  }
  const eighty = outcome.rows.find(
    (r) => r.server === 'vigil' && r.clients === LATENCY_TIER && r.kind === '80pct',
  );
  const kept = keptRates(outcome.rows, 'vigil', LATENCY_TIER);
  const name = `p99 delivery latency at 80 % of Vigil's max rate, ${fmtInt(LATENCY_TIER)} clients`;
  if (!eighty) {
    targets.push({
      name,
      target: `< ${P99_TARGET_MS} ms`,
      measured: 'not measured (no kept-up rate)',
      met: false,
    });
  } else {
    const bound = neverSaturated(outcome.rows, 'vigil', LATENCY_TIER)
      ? ' (a lower bound: never saturated)'
      : '';
    targets.push({
      name,
      target: `< ${P99_TARGET_MS} ms`,
      measured: `${fmtMs(eighty.p99Ms)} ms at ${fmtInt(eighty.rate)} alerts/s (max kept-up ${fmtInt(Math.max(...kept))}/s${bound})`,
      met: eighty.p99Ms < P99_TARGET_MS && eighty.keptUp,
    });
  }
  return targets;
}
