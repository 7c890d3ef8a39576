import os from 'node:os';

/** The 1-minute load average: other work on a shared machine during a run shows here. */
export const loadAverage1m = (): number => Math.round(os.loadavg()[0]! * 100) / 100;
