import { SERVER_KINDS, type ServerKind } from './fanout-protocol.ts';

export interface ClientTier {
  clients: number;
  /** Client processes: one saturates near 1 M frames/s and has ~20k descriptors, so big tiers use several. */
  processes: number;
  rates: number[];
  /**
   * Connect every server's clients at once and let the servers take turns at each rate, so background
   * load hits all alike. Off for 10,000 clients: 40,000 loopback sockets at once crowd the ephemeral ports.
   */
  interleave: boolean;
}

export interface FanoutPlan {
  servers: readonly ServerKind[];
  tiers: ClientTier[];
  stepMs: number;
  drainMs: number;
  warmupMs: number;
}

/**
 * Quick: 1,000 clients, three rates, short steps (≈ 40 s for the four servers). Full: 1,000 and 10,000
 * clients, rates rising until delivery stops keeping up (≈ 6–9 min). On 2 cores one broadcast to 10,000
 * loopback sockets costs ≈ 100 ms of kernel time, so the 10k tier measures throughput, not latency.
 */
export function fanoutPlan(quick: boolean): FanoutPlan {
  if (quick) {
    return {
      servers: SERVER_KINDS,
      tiers: [{ clients: 1_000, processes: 4, rates: [500, 1_500, 4_000], interleave: true }],
      stepMs: 1_500,
      drainMs: 1_500,
      warmupMs: 400,
    };
  }
  return {
    servers: SERVER_KINDS,
    tiers: [
      {
        clients: 1_000,
        processes: 4,
        rates: [250, 500, 1_000, 2_000, 3_000, 4_000, 6_000, 8_000, 12_000, 16_000],
        interleave: true,
      },
      {
        clients: 10_000,
        processes: 8,
        rates: [10, 25, 50, 100, 200, 300, 400, 600, 800, 1_200],
        interleave: false,
      },
    ],
    stepMs: 4_000,
    drainMs: 3_000,
    warmupMs: 1_000,
  };
}

/** Vigil's follow-up step: 80 % of the highest rate it kept up with (the latency target's operating point). */
export function eightyPercentRate(keptRates: number[]): number | null {
  if (keptRates.length === 0) return null;
  return Math.round(0.8 * Math.max(...keptRates));
}
