import { readFileSync } from 'node:fs';
import os from 'node:os';

/** Soft and hard open-file limits of this process, from /proc (null off Linux). */
export function readOpenFilesLimit(): { soft: number; hard: number } | null {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = (line?.match(/\d+/g) ?? []).map(Number);
    return soft !== undefined && hard !== undefined ? { soft, hard } : null;
  } catch {
    // Not Linux (no /proc): the description just lacks the line.
    return null;
  }
}

/** What the figures were measured on; every suite result carries it. */
export function describeMachine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    openFilesLimit: readOpenFilesLimit(),
  };
}

/** One line for summaries: "2 × Intel Xeon …, 23.5 GiB, Node v20.20.2". */
export function machineLine(machine: Record<string, unknown>): string {
  return `${machine.cores} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}`;
}
