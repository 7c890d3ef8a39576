/**
 * CPU seconds used by named groups of processes over a measured window, from /proc (Linux): tells whether
 * the server, the database, the broker or the load generator ate the two cores. Elsewhere it reports null.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cpus } from 'node:os';

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** Clock ticks per second of /proc/<pid>/stat: 100 on every Linux build we run on. */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  cpuSeconds: number;
}

function readStat(pid: number, path = `/proc/${pid}/stat`): ProcStat | null {
  try {
    const text = readFileSync(path, 'utf8');
    // comm may contain spaces and parentheses: the fields that follow start after the last ')'.
    const close = text.lastIndexOf(')');
    const fields = text.slice(close + 2).split(' ');
    return {
      pid,
      comm: text.slice(text.indexOf('(') + 1, close),
      ppid: Number(fields[1]),
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND,
    };
  } catch {
    return null; // the process ended between listing and reading: it has nothing more to count
  }
}

function allStats(): ProcStat[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return []; // not Linux: no per-process figures
  }
  return entries.flatMap((e) => (/^\d+$/.test(e) ? [readStat(Number(e))].filter((s) => s !== null) : []));
}

const cmdline = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
};

/** A process and all its descendants. */
export const processTree =
  (root: number): (() => number[]) =>
  () => {
    const stats = allStats();
    const tree = new Set([root]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const s of stats) {
        if (!tree.has(s.pid) && tree.has(s.ppid)) {
          tree.add(s.pid);
          grew = true;
        }
      }
    }
    return [...tree];
  };

/** The PostgreSQL server listening on `port` (postmaster and backends); every postgres process if unknown. */
export const postgresProcesses =
  (port: number): (() => number[]) =>
  () => {
    const stats = allStats().filter((s) => s.comm === 'postgres');
    const postmaster = stats.find((s) => cmdline(s.pid).includes(` -p ${port} `));
    if (!postmaster) return stats.map((s) => s.pid);
    return stats.filter((s) => s.pid === postmaster.pid || s.ppid === postmaster.pid).map((s) => s.pid);
  };

/** Socket inodes listening on a loopback TCP port (from /proc/net/tcp and tcp6). */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6 table, or not Linux
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT, st 0A is LISTEN, inode is the tenth field.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A' && fields[9]) inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * The process with command name `comm` that listens on `port`, found through its socket's inode (the
 * Kafka broker of this run, not other brokers on the machine); empty when none is visible.
 */
export const listenerProcess =
  (comm: string, port: number): (() => number[]) =>
  () => {
    const inodes = listeningInodes(port);
    return allStats()
      .filter((s) => s.comm === comm)
      .filter((s) => {
        try {
          return readdirSync(`/proc/${s.pid}/fd`).some((fd) => {
            try {
              const target = readlinkSync(`/proc/${s.pid}/fd/${fd}`);
              return inodes.has(target.slice('socket:['.length, -1));
            } catch {
              return false; // the descriptor closed while we looked
            }
          });
        } catch {
          return false; // not ours to inspect, or gone
        }
      })
      .map((s) => s.pid);
  };

function machineTicks(): { busy: number; total: number } | null {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const values = fields.map(Number);
    const total = values.reduce((a, b) => a + b, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return null; // not Linux
  }
}

export type CpuShares = Record<string, number | null>;

/**
 * Starts counting; `stop()` returns cores used per group over the window (1.0 = one core busy all along),
 * plus `machine` (all processes, other users' included) and `bench` (this process, autocannon included).
 */
export function watchCpu(groups: Record<string, () => number[]>): { stop(): CpuShares } {
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  const machineAtStart = machineTicks();
  const startSeconds = new Map<string, Map<number, number>>();
  for (const [name, pids] of Object.entries(groups)) {
    startSeconds.set(name, new Map(pids().map((pid) => [pid, readStat(pid)?.cpuSeconds ?? 0])));
  }
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      const shares: CpuShares = {};
      for (const [name, pids] of Object.entries(groups)) {
        const before = startSeconds.get(name)!;
        const now = pids();
        if (now.length === 0) {
          shares[name] = null;
          continue;
        }
        const used = now.reduce(
          (sum, pid) => sum + (readStat(pid)?.cpuSeconds ?? 0) - (before.get(pid) ?? 0),
          0,
        );
        shares[name] = round2(used / seconds);
      }
      const own = process.cpuUsage(cpuAtStart);
      shares.bench = round2((own.user + own.system) / 1e6 / seconds);
      const machineAtEnd = machineTicks();
      shares.machine =
        machineAtStart && machineAtEnd
          ? round2(
              ((machineAtEnd.busy - machineAtStart.busy) / (machineAtEnd.total - machineAtStart.total)) *
                cpus().length,
            )
          : null;
      return shares;
    },
  };
}

/**
 * CPU seconds used so far by the threads of `pids` whose name starts with one of `prefixes` (Linux thread
 * names, /proc/<pid>/task/<tid>/comm, e.g. the JVM's `C2 CompilerThread0`); 0 where /proc is unreadable.
 */
export function threadCpuSeconds(pids: readonly number[], prefixes: readonly string[]): number {
  let seconds = 0;
  for (const pid of pids) {
    let tids: string[];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // the process ended, or not Linux
    }
    for (const tid of tids) {
      const stat = readStat(Number(tid), `/proc/${pid}/task/${tid}/stat`);
      if (stat && prefixes.some((p) => stat.comm.startsWith(p))) seconds += stat.cpuSeconds;
    }
  }
  return seconds;
}
