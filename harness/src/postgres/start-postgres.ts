import { execFile, execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts, retryOnPortClash } from '../process/free-port.ts';
import { spawnGuarded, tailFile } from '../process/spawn-guarded.ts';
import { makeTempDir, removeDir } from '../process/temp-dir.ts';
import { waitForPostgres } from './wait-for-postgres.ts';

const run = promisify(execFile);

export interface PostgresHandle {
  /** Superuser URL; trust authentication, loopback only. */
  url: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Durability is off (the cluster is deleted after the run): no fsync, no full-page writes,
 * asynchronous commit. Room for a pool per test file and worker.
 */
const SETTINGS = ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off', 'max_connections=200'];

/** PostgreSQL refuses to run as root, so as root we drop to the `postgres` OS user. */
const osUser = (): { uid: number; gid: number } | null => {
  if (process.getuid?.() !== 0) return null;
  try {
    const id = (flag: string): number => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }));
    return { uid: id('-u'), gid: id('-g') };
  } catch (error) {
    throw new Error('running as root needs the postgres OS user: apt-get install -y postgresql', {
      cause: error,
    });
  }
};

const startOnce = async (binDir: string, deadlineMs: number): Promise<PostgresHandle> => {
  const user = osUser();
  const dir = makeTempDir('postgres');
  if (user) chownSync(dir, user.uid, user.gid);
  // setpriv execs (no fork), so the PID we hold is the postmaster's and signals reach it directly.
  const as = (bin: string, args: string[]): [string, string[]] =>
    user
      ? ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', join(binDir, bin), ...args]]
      : [join(binDir, bin), args];
  const env = { ...process.env, LC_ALL: 'C' };
  const dataDir = join(dir, 'data');

  try {
    const initdb = ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'];
    await run(...as('initdb', initdb), { cwd: dir, env });
  } catch (error) {
    removeDir(dir);
    throw new Error(`initdb failed: ${String(error)}`, { cause: error });
  }

  const [port] = (await freePorts(1)) as [number];
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'];
  args.push('-c', `unix_socket_directories=${dir}`, ...SETTINGS.flatMap((s) => ['-c', s]));
  const [command, commandArgs] = as('postgres', args);
  const server = spawnGuarded({
    command,
    args: commandArgs,
    cwd: dir,
    env,
    logFile: join(dir, 'postgres.log'),
    // Immediate shutdown: postgres ends its backends itself, which SIGKILL would not do.
    emergencySignal: 'SIGQUIT',
    onEmergency: () => removeDir(dir),
  });
  const stop = async (): Promise<void> => {
    await server.stop('SIGQUIT', 5000);
    removeDir(dir);
  };
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  try {
    await waitForPostgres({ url, deadlineMs, failed: server.exitStatus });
  } catch (error) {
    const logs = tailFile(server.logFile);
    await stop();
    throw new Error(`${(error as Error).message}\n--- postgres log tail ---\n${logs}`, { cause: error });
  }
  return { url, logFile: server.logFile, stop };
};

/** initdb's a fresh cluster in a temp dir and starts it on a free loopback port. */
export const startPostgres = (options: { binDir: string; deadlineMs?: number }): Promise<PostgresHandle> =>
  retryOnPortClash(() => startOnce(options.binDir, options.deadlineMs ?? 30_000));
