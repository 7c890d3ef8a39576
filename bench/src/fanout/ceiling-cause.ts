import type { StepRow } from './step-row.ts';

/** A process at or above this share of one core is saturated (its single JS thread plus its kernel time). */
const SATURATED_PERCENT = 90;
/** Other processes above this share of a core skew a step: the notes say so. */
export const OTHERS_PERCENT = 25;

/** Where a step's ceiling came from, from the CPU figures sampled during it. */
export function ceilingCause(row: StepRow): string {
  const figures =
    `server CPU ${row.serverCpuPercent} % of a core, clients ${row.clientCpuPercent} % ` +
    `(busiest client process ${row.clientMaxProcessCpuPercent} %), other processes ${row.otherCpuPercent} %, ` +
    `machine ${row.machineBusyPercent} % busy`;
  if (row.serverCpuPercent >= SATURATED_PERCENT) return `the server's thread is saturated (${figures})`;
  if (row.machineBusyPercent >= SATURATED_PERCENT && row.otherCpuPercent >= OTHERS_PERCENT)
    return `the machine is saturated, partly by processes outside the bench (${figures})`;
  if (row.machineBusyPercent >= SATURATED_PERCENT)
    return `the machine is saturated: server and clients share its cores (${figures})`;
  if (row.clientMaxProcessCpuPercent >= SATURATED_PERCENT)
    return `a client process is saturated (${figures})`;
  return `no CPU saturated (${figures}): queueing in socket writes and event-loop turns`;
}
