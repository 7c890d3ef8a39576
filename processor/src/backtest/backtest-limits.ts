/** Bounds of one backtest (processor/RULES.md, "Backtest"); each is reported when it stops a replay. */
export interface BacktestLimits {
  /** Archived events read at most: a day of the simulator's 50 events/s is 4.3 M, all sources together. */
  maxEvents: number;
  /** Wall-clock time at most, so a request cannot hold a gateway's CPU for long. */
  maxWallMs: number;
  /** Firings kept at most: past this the rule is too noisy to judge by a list anyway. */
  maxFirings: number;
  /** Inflated size of one archive object at most (the archiver writes ≤ 8 MiB of raw events per object). */
  maxObjectBytes: number;
}

export const DEFAULT_BACKTEST_LIMITS: BacktestLimits = {
  maxEvents: 5_000_000,
  maxWallMs: 60_000,
  maxFirings: 10_000,
  maxObjectBytes: 64 * 1024 * 1024,
};

/** Progress is reported at most this often (wall clock), and after the last object. */
export const PROGRESS_EVERY_MS = 500;
/** The replay yields to the event loop every this many events, so a gateway keeps serving while it runs. */
export const YIELD_EVERY_EVENTS = 4_096;
