import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type GuardedProcess, spawnGuarded, tailFile } from '@vigil/harness/programs';
import { waitHealthy } from './wait-healthy.ts';

/** The repository root: the children's working directory, where `--import tsx` resolves. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface ComponentOptions {
  /** e.g. `processor-1`; names the log file and error messages. */
  name: string;
  /** A runnable's composition root, relative to the repository root (`processor/src/main.ts`). */
  script: string;
  args?: string[];
  /** Added to this process's environment. */
  env: Record<string, string>;
  /** stdout and stderr of every run, appended. */
  logFile: string;
  /** Answers 2xx when the component is ready; without one it counts as ready once spawned. */
  healthUrl?: string;
  healthTimeoutMs: number;
  /** SIGTERM, then this long for the written shutdown order, then SIGKILL. */
  stopGraceMs: number;
}

export interface Component {
  readonly name: string;
  readonly logFile: string;
  /** PID of the current run, null when stopped. */
  pid(): number | null;
  /** `running`, `stopped`, or how the last run ended by itself (`exited with code 1`). */
  state(): string;
  /** Spawns it and resolves once healthy; on failure it is killed and the error carries its log tail. */
  start(): Promise<void>;
  /** Sends `signal` (SIGTERM: a graceful stop) and resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * One Vigil runnable as a child process. Run as `node --import tsx <main.ts>`, the repository's tsx as a
 * loader, not through the tsx CLI: the CLI is a second process that relays signals to the real one with a
 * 30 ms handshake and SIGKILLs it when a busy child misses it, so a SIGTERM meant as a graceful stop could
 * become a crash. One process also makes `pid` the component's own. The emergency signal (our process
 * killed without stopping it) is SIGKILL: a processor is crash-safe, and a SIGTERM'd one could hang on a
 * broker that is being killed at the same moment.
 */
export const createComponent = (options: ComponentOptions): Component => {
  let child: GuardedProcess | undefined;

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const running = child;
    if (!running) return;
    await running.stop(signal, options.stopGraceMs);
    child = undefined;
  };

  return {
    name: options.name,
    logFile: options.logFile,
    pid: () => (child && child.exitStatus() === null ? child.pid : null),
    state: () => (child ? (child.exitStatus() ?? 'running') : 'stopped'),

    async start() {
      if (child && child.exitStatus() === null) throw new Error(`${options.name} is already running`);
      appendFileSync(options.logFile, `--- ${options.name} starting at ${new Date().toISOString()}\n`);
      child = spawnGuarded({
        command: process.execPath,
        args: ['--import', 'tsx', options.script, ...(options.args ?? [])],
        cwd: REPO_ROOT,
        env: { ...process.env, ...options.env },
        logFile: options.logFile,
        emergencySignal: 'SIGKILL',
      });
      if (!options.healthUrl) return;
      const started = child;
      try {
        await waitHealthy({
          url: options.healthUrl,
          timeoutMs: options.healthTimeoutMs,
          exitStatus: started.exitStatus,
        });
      } catch (error) {
        await stop('SIGKILL');
        throw new Error(
          `${options.name} did not become healthy: ${String(error)}\n--- ${options.logFile} (tail)\n${tailFile(options.logFile)}`,
          { cause: error },
        );
      }
    },

    stop,
  };
};
