/**
 * Time-of-day shape of the simulated traffic, on UTC: a trough around 04:00, a main peak mid-afternoon
 * and a smaller evening shoulder. The factor averages 1 over a day, so a requested rate is the daily mean.
 */
const DAY_MS = 86_400_000;
const TWO_PI = 2 * Math.PI;

/** Default swing of the load around its mean: ±25 % (at most ×1.25 at the peak). */
export const DEFAULT_DIURNAL_AMPLITUDE = 0.25;
/** Above this the trough would approach zero traffic. */
export const MAX_DIURNAL_AMPLITUDE = 0.9;

/** Load factor at epoch time `t`: 1 ± amplitude, smooth and periodic over 24 h. */
export function diurnalFactor(t: number, amplitude = DEFAULT_DIURNAL_AMPLITUDE): number {
  if (amplitude === 0) return 1;
  const hour = (((t % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
  // 0.8 + 0.2 keeps the sum within [-1, 1]; both cosines integrate to zero over a day.
  const shape = 0.8 * Math.cos((TWO_PI * (hour - 15)) / 24) + 0.2 * Math.cos((2 * TWO_PI * (hour - 20)) / 24);
  return 1 + amplitude * shape;
}

/** Error rates rise with load but less than proportionally: half fixed, half following the load. */
export const errorFactor = (load: number): number => 0.5 + 0.5 * load;
