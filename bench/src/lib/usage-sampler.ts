import os from 'node:os';
import { type ProcSample, sampleMachine, sampleProcess } from './proc-stats.ts';

export interface GroupUsage {
  /** CPU over the window, in % of one core, summed over the group's processes. */
  cpuPercent: number;
  /** The busiest single process of the group, in % of one core (100 = one core saturated). */
  maxProcessCpuPercent: number;
  /** Highest summed RSS seen in any sample. */
  peakRssMiB: number;
}

export interface UsageReport {
  groups: Record<string, GroupUsage>;
  /** Whole machine busy, in % of all cores (100 = every core saturated). */
  machineBusyPercent: number;
  wallMs: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Samples CPU and RSS of named groups of processes (e.g. server, clients) from /proc every `everyMs`
 * until stop(), which returns the window's CPU use and peak memory per group.
 */
export function startUsageSampler(groups: Record<string, number[]>, everyMs = 250) {
  const startedAt = Date.now();
  const machineStart = sampleMachine();
  const first = new Map<number, ProcSample>();
  const last = new Map<number, ProcSample>();
  const peakRss: Record<string, number> = {};
  const sample = () => {
    for (const [name, pids] of Object.entries(groups)) {
      let rss = 0;
      for (const pid of pids) {
        const s = sampleProcess(pid);
        if (!s) continue;
        if (!first.has(pid)) first.set(pid, s);
        last.set(pid, s);
        rss += s.rssBytes;
      }
      peakRss[name] = Math.max(peakRss[name] ?? 0, rss);
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);

  return {
    stop(): UsageReport {
      clearInterval(timer);
      sample();
      const wallMs = Math.max(1, Date.now() - startedAt);
      const machineEnd = sampleMachine();
      const report: UsageReport = {
        groups: {},
        machineBusyPercent: round1(
          (100 * (machineEnd.busy - machineStart.busy)) / Math.max(1, machineEnd.total - machineStart.total),
        ),
        wallMs,
      };
      for (const [name, pids] of Object.entries(groups)) {
        const perProcess = pids.map((pid) => {
          const a = first.get(pid);
          const b = last.get(pid);
          return a && b ? (100 * (b.cpuSeconds - a.cpuSeconds) * 1000) / wallMs : 0;
        });
        report.groups[name] = {
          cpuPercent: round1(perProcess.reduce((x, y) => x + y, 0)),
          maxProcessCpuPercent: round1(Math.max(0, ...perProcess)),
          peakRssMiB: round1((peakRss[name] ?? 0) / 1024 ** 2),
        };
      }
      return report;
    },
  };
}

/** Cores of this machine (the denominator of "machine saturated"). */
export const coreCount = () => os.cpus().length;
