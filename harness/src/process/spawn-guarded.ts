import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { onEmergencyExit } from './emergency-cleanup.ts';

export interface GuardedProcessOptions {
  command: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** stdout and stderr go here, never to the console. */
  logFile: string;
  /** Sent when our process dies without stopping the child (watchdog, signal, exit). */
  emergencySignal: NodeJS.Signals;
  /** Synchronous cleanup to run after the emergency signal, e.g. removing the temp dir. */
  onEmergency?: () => void;
}

export interface GuardedProcess {
  readonly pid: number;
  readonly logFile: string;
  exitStatus(): string | null;
  /** Sends `signal`, waits up to graceMs, then SIGKILL. Idempotent. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

const WATCHDOG = 'read -r _ignored; kill -s "$1" "$2" 2>/dev/null';

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));

/** The last `lines` lines of a log file, for error messages. */
export const tailFile = (file: string, lines = 40): string => {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (error) {
    return `(no log: ${String(error)})`;
  }
};

/**
 * Spawns a service so that it cannot outlive us: besides the emergency handlers for signals and
 * exit, a tiny shell watchdog holds a pipe from this process and signals the child when the pipe
 * closes, which also covers `kill -9` of the test runner.
 */
export const spawnGuarded = (options: GuardedProcessOptions): GuardedProcess => {
  const out = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    // detached: its own process group, so a terminal Ctrl-C reaches us first and we stop it.
    child = spawn(options.command, options.args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', out, out],
      detached: true,
    });
  } finally {
    closeSync(out);
  }
  // Listened to before anything else: an unhandled 'error' event (e.g. ENOENT) would crash us.
  let spawnError: Error | undefined;
  child.on('error', (error) => {
    spawnError = error;
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${options.command}`);

  // POSIX sh's kill -s wants the name without the SIG prefix.
  const shellSignal = options.emergencySignal.replace(/^SIG/, '');
  const watchdog = spawn('sh', ['-c', WATCHDOG, 'watchdog', shellSignal, String(pid)], {
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  watchdog.on('error', (error) => {
    process.stderr.write(`[harness] watchdog for pid ${pid} failed: ${error.message}\n`);
  });

  const removeEmergency = onEmergencyExit(() => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, options.emergencySignal);
    watchdog.kill('SIGKILL');
    options.onEmergency?.();
  });

  let stopping: Promise<void> | undefined;
  const stop = async (signal: NodeJS.Signals, graceMs: number): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited(child);
      clearTimeout(timer);
    }
    // Killed rather than closed: closing its pipe would make it signal a PID that may be reused.
    watchdog.kill('SIGKILL');
    removeEmergency();
  };

  return {
    pid,
    logFile: options.logFile,
    exitStatus: () =>
      spawnError !== undefined
        ? `failed: ${spawnError.message}`
        : child.exitCode !== null
          ? `exited with code ${child.exitCode}`
          : child.signalCode !== null
            ? `killed by ${child.signalCode}`
            : null,
    stop: (signal, graceMs) => {
      stopping ??= stop(signal, graceMs);
      return stopping;
    },
  };
};
