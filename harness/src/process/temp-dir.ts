import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'vigil-harness-';
/** Written into each temp dir so a later run can tell ours apart and sweep the orphans. */
const OWNER_FILE = '.vigil-harness-owner';

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive but not ours to signal.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** A fresh directory under the OS temp dir, marked with this process as its owner. */
export const makeTempDir = (name: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `${PREFIX}${name}-`));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  return dir;
};

export const removeDir = (dir: string): void => {
  // Retries cover a child that is still writing its last files while it dies.
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
};

/** Removes temp dirs left by earlier runs whose process was killed before it could clean up. */
export const sweepOrphanedTempDirs = (): void => {
  for (const entry of readdirSync(tmpdir())) {
    if (!entry.startsWith(PREFIX)) continue;
    const dir = join(tmpdir(), entry);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // no owner file yet: being created right now, or not ours
    }
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    try {
      removeDir(dir);
    } catch (error) {
      // Another user's leftovers on a shared /tmp: not ours to remove, and no reason to fail.
      process.stderr.write(`[harness] could not remove orphaned ${dir}: ${String(error)}\n`);
    }
  }
};
