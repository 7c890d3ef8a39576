import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc CPU times (USER_HZ): 100 on every Linux build that matters here. */
const USER_HZ = 100;

export interface ProcSample {
  /** user + system CPU seconds so far. */
  cpuSeconds: number;
  rssBytes: number;
}

/** utime + stime (fields 14 and 15) of a /proc/<pid>/stat line, in seconds. */
export function parseStatCpuSeconds(stat: string): number {
  // The command name (field 2) may hold spaces and parentheses: split after its closing one.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): utime is field 14 → rest[11], stime field 15 → rest[12].
  return (Number(rest[11]) + Number(rest[12])) / USER_HZ;
}

/** VmRSS of a /proc/<pid>/status text, in bytes. */
export function parseStatusRssBytes(status: string): number {
  const match = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
  return match ? Number(match[1]) * 1024 : 0;
}

/** CPU and RSS of a live process, or null once it is gone. */
export function sampleProcess(pid: number): ProcSample | null {
  try {
    return {
      cpuSeconds: parseStatCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')),
      rssBytes: parseStatusRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8')),
    };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null; // exited between samples
    throw err;
  }
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat). */
export function sampleMachine(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}
