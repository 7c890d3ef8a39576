import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const DEBIAN_ROOT = '/usr/lib/postgresql';

const hasServer = (dir: string): boolean =>
  existsSync(join(dir, 'postgres')) && existsSync(join(dir, 'initdb'));

/**
 * The directory holding `initdb` and `postgres`: $PG_BIN_DIR, else Debian's newest
 * /usr/lib/postgresql/<major>/bin, else wherever `initdb` is on PATH (Homebrew, other distros).
 * Null when no PostgreSQL server is installed.
 */
export const findPostgresBinDir = (env: NodeJS.ProcessEnv): string | null => {
  if (env.PG_BIN_DIR) return hasServer(env.PG_BIN_DIR) ? env.PG_BIN_DIR : null;
  if (existsSync(DEBIAN_ROOT)) {
    const majors = readdirSync(DEBIAN_ROOT)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) {
      const dir = join(DEBIAN_ROOT, major, 'bin');
      if (hasServer(dir)) return dir;
    }
  }
  try {
    const initdb = execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim();
    return initdb && hasServer(dirname(initdb)) ? dirname(initdb) : null;
  } catch {
    return null; // `command -v` exits 1 when initdb is not on PATH
  }
};
