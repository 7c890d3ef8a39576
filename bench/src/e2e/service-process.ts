/**
 * Runs a real Vigil runnable (`npm run gateway` / `npm run processor`: its main.ts under tsx) as a child
 * process, so the load generator in the bench process never shares its event loop or core with it.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authVars } from '@vigil/core/config';
import { spawnGuarded, tailFile, waitFor } from '@vigil/harness/programs';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const MAINS = {
  gateway: join(REPO_ROOT, 'gateway/src/main.ts'),
  processor: join(REPO_ROOT, 'processor/src/main.ts'),
} as const;

/** Variables a parent shell may have set for the bench itself; each child gets only what it is given. */
const VIGIL_VARS = [
  'KAFKA_BROKERS',
  'DATABASE_URL',
  'DATA_DIR',
  'TOPIC_PREFIX',
  'PORT',
  'METRICS_PORT',
  'S3_BUCKET',
  'S3_ENDPOINT',
  'PROCESSOR_GROUP_ID',
  'NODE_OPTIONS',
  // Who may use the gateway and how fast: the bench sets its own (lib/bench-auth.ts), never the shell's.
  ...Object.keys(authVars),
];

export interface ServiceProcessOptions {
  runnable: keyof typeof MAINS;
  /** Its configuration; LOG_LEVEL defaults to warn so logging costs nothing measurable. */
  env: Record<string, string>;
  logFile: string;
  /** Answers 200 once the runnable is up (gateway /api/health, processor /metrics). */
  readyUrl: string;
  readyTimeoutMs?: number;
  /** When set, the child writes a V8 CPU profile here when it exits. */
  cpuProfileDir?: string;
}

export interface ServiceProcess {
  pid: number;
  /** performance.now() of this process when the child was spawned (to place its CPU profile in time). */
  spawnedAt: number;
  logFile: string;
  /** SIGTERM (the runnable's own orderly stop, which also writes the CPU profile), SIGKILL after 20 s. */
  stop(): Promise<void>;
}

/** The parent's environment without Vigil's variables, then the child's own (LOG_LEVEL warn unless given). */
export function childEnv(parent: NodeJS.ProcessEnv, own: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent };
  for (const name of VIGIL_VARS) delete env[name];
  return Object.assign(env, { LOG_LEVEL: 'warn', ...own });
}

export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const env = childEnv(process.env, options.env);
  const spawnedAt = performance.now();
  const profile = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  const child = spawnGuarded({
    command: process.execPath,
    args: ['--import', 'tsx', ...profile, MAINS[options.runnable]],
    cwd: REPO_ROOT,
    env,
    logFile: options.logFile,
    emergencySignal: 'SIGKILL',
  });
  const stop = () => child.stop('SIGTERM', 20_000);
  try {
    // A throwing predicate only means "not yet" to waitFor, so a dead child is returned, not thrown.
    const outcome = await waitFor(
      async () => {
        const exited = child.exitStatus();
        if (exited) return { exited };
        const response = await fetch(options.readyUrl);
        await response.arrayBuffer();
        return response.ok ? { exited: null } : null;
      },
      { timeoutMs: options.readyTimeoutMs ?? 60_000, intervalMs: 100, message: `${options.runnable} ready` },
    );
    if (outcome.exited) throw new Error(`${options.runnable} ${outcome.exited}`);
  } catch (err) {
    await stop();
    throw new Error(`${options.runnable} did not start: ${String(err)}\n${tailFile(options.logFile, 30)}`, {
      cause: err,
    });
  }
  return { pid: child.pid, spawnedAt, logFile: options.logFile, stop };
}
