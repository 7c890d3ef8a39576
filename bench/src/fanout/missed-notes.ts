import { ceilingCause } from './ceiling-cause.ts';
import { type FanoutOutcome, fmtInt, fmtMs, fmtRate, peakRow } from './fanout-outcome.ts';
import { SERVER_LABELS } from './fanout-protocol.ts';
import { LATENCY_TIER, P99_TARGET_MS, RATIO_TARGETS } from './fanout-targets.ts';
import type { StepRow } from './step-row.ts';

/** Fewer frames than this per client read: the server wrote about one frame per socket write. */
const UNBATCHED_FRAMES_PER_READ = 2;

/** The row of `server` at the rate closest to `rate` (same client count, sweep steps). */
function nearest(rows: StepRow[], server: StepRow['server'], clients: number, rate: number): StepRow | null {
  const candidates = rows.filter((r) => r.server === server && r.clients === clients && r.kind === 'sweep');
  candidates.sort((a, b) => Math.abs(a.rate - rate) - Math.abs(b.rate - rate));
  return candidates[0] ?? null;
}

function ratioNotes(outcome: FanoutOutcome): string[] {
  const notes: string[] = [];
  for (const clients of outcome.tiers) {
    const vigil = peakRow(outcome.rows, 'vigil', clients);
    if (!vigil) continue;
    for (const { against, atLeast } of RATIO_TARGETS) {
      const other = peakRow(outcome.rows, against, clients);
      if (!other || vigil.deliveriesPerSec >= atLeast * other.deliveriesPerSec) continue;
      const efficiency = vigil.deliveriesPerServerCoreSec / Math.max(1, other.deliveriesPerServerCoreSec);
      const unbatched =
        vigil.framesPerRead < UNBATCHED_FRAMES_PER_READ
          ? ` At that rate Vigil's uWS wrote ≈ ${vigil.framesPerRead} frame per socket write, so it paid the ` +
            `kernel's per-write cost for every frame just as ${SERVER_LABELS[against]} does; uWS's batching only ` +
            'pays when several alerts fall in one event-loop turn, i.e. at higher alert rates than this tier reaches.'
          : '';
      notes.push(
        `Missed: Vigil vs ${SERVER_LABELS[against]} at ${fmtInt(clients)} clients is ` +
          `${(vigil.deliveriesPerSec / other.deliveriesPerSec).toFixed(2)}× in deliveries/s (target ${atLeast}×) and ` +
          `${efficiency.toFixed(2)}× in deliveries per server CPU-second. Vigil's best step: ${ceilingCause(vigil)}.${unbatched}`,
      );
    }
  }
  return notes;
}

function latencyNote(outcome: FanoutOutcome): string[] {
  const eighty = outcome.rows.find(
    (r) => r.server === 'vigil' && r.clients === LATENCY_TIER && r.kind === '80pct',
  );
  if (!eighty || eighty.p99Ms < P99_TARGET_MS) return [];
  const uws = nearest(outcome.rows, 'uws', LATENCY_TIER, eighty.rate);
  const sameBound =
    uws && uws.p99Ms >= P99_TARGET_MS
      ? ' — bare uWS misses the same bound on this machine: writing and reading ' +
        `${fmtInt(LATENCY_TIER)} sockets per broadcast on 2 shared cores puts it out of reach whatever runs above ` +
        'uWS; the profile above shows what Vigil adds on top'
      : '';
  const baseline = uws
    ? ` Raw uWS at ${fmtInt(uws.rate)} alerts/s (nearest rate measured): p50 ${fmtMs(uws.p50Ms)} ms, ` +
      `p99 ${fmtMs(uws.p99Ms)} ms${sameBound}.`
    : '';
  return [
    `Missed: p99 ${fmtMs(eighty.p99Ms)} ms (p50 ${fmtMs(eighty.p50Ms)} ms) at ${fmtInt(eighty.rate)} alerts/s ` +
      `(${fmtRate(eighty.deliveriesPerSec)} deliveries/s); during that step ${ceilingCause(eighty)}.${baseline}`,
  ];
}

/** One sentence per missed fan-out target, saying where the time went, from the measured rows. */
export function missedTargetNotes(outcome: FanoutOutcome): string[] {
  return [...ratioNotes(outcome), ...latencyNote(outcome)];
}
