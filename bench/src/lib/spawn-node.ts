import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { IpcEvent, IpcReply } from './ipc.ts';
import { readOpenFilesLimit } from './machine.ts';

/** Lines of one child's output echoed to the runner's stderr before the rest is only counted. */
const MAX_ECHOED_LINES = 20;
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export interface NodeChild {
  readonly name: string;
  readonly pid: number;
  /** Resolves with the child's `ready` data; rejects if it exits first or takes longer than readyTimeoutMs. */
  readonly ready: Promise<unknown>;
  request<T>(type: string, payload?: unknown, timeoutMs?: number): Promise<T>;
  /** Asks the child to stop, then kills it (by its pid) if it has not exited within `timeoutMs`. */
  stop(timeoutMs?: number): Promise<void>;
}

export interface SpawnNodeOptions {
  name: string;
  /** Absolute path or file URL of a .ts entry point (run with tsx's loader). */
  script: string | URL;
  args?: string[];
  /** Extra node flags, e.g. `--cpu-prof`. */
  execArgv?: string[];
  readyTimeoutMs?: number;
  /** Scheduling niceness (0–19): above 0 the process yields the CPU to ones at 0 when both want it. */
  niceness?: number;
  log: (line: string) => void;
}

const live = new Set<NodeChild>();

/**
 * Starts `node --import tsx <script>` with an IPC channel and the open-files soft limit raised to the
 * hard limit (10,000 sockets need it): through `prlimit`, which execs node, so the pid we hold is
 * node's own and /proc/<pid> measures the server, not a wrapper.
 */
export function spawnNode(options: SpawnNodeOptions): NodeChild {
  const script = options.script instanceof URL ? fileURLToPath(options.script) : options.script;
  const nodeArgs = [...(options.execArgv ?? []), '--import', 'tsx', script, ...(options.args ?? [])];
  const { hard } = readOpenFilesLimit() ?? { hard: 0 };
  const usePrlimit = hard > 0 && existsSync('/usr/bin/prlimit');
  const child: ChildProcess = usePrlimit
    ? spawn('/usr/bin/prlimit', [`--nofile=${hard}:${hard}`, process.execPath, ...nodeArgs], {
        cwd: REPO_ROOT,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      })
    : spawn(process.execPath, nodeArgs, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  if (options.niceness && child.pid) os.setPriority(child.pid, options.niceness);
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const lastLines: string[] = [];
  let echoed = 0;
  let nextId = 1;
  let exitInfo: string | null = null;

  const onOutput = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lastLines.push(line);
      if (lastLines.length > 10) lastLines.shift();
      echoed += 1;
      if (echoed <= MAX_ECHOED_LINES) options.log(`[${options.name}] ${line.slice(0, 400)}`);
      else if (echoed === MAX_ECHOED_LINES + 1) options.log(`[${options.name}] (further output not shown)`);
    }
  };
  child.stdout?.on('data', onOutput);
  child.stderr?.on('data', onOutput);

  let readyResolve: (v: unknown) => void = () => undefined;
  let readyReject: (e: Error) => void = () => undefined;
  const ready = new Promise<unknown>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  ready.catch(() => undefined); // observed by whoever awaits it; avoids an unhandled rejection otherwise
  const readyTimer = setTimeout(
    () => readyReject(new Error(`${options.name} not ready after ${options.readyTimeoutMs ?? 30_000} ms`)),
    options.readyTimeoutMs ?? 30_000,
  );

  child.on('message', (raw) => {
    const message = raw as IpcReply & IpcEvent;
    if (message.event === 'ready') {
      clearTimeout(readyTimer);
      readyResolve(message.data);
      return;
    }
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`${options.name}: ${message.error}`));
  });

  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = `${options.name} exited (code ${code}, signal ${signal}); last output: ${lastLines.join(' | ')}`;
      clearTimeout(readyTimer);
      readyReject(new Error(exitInfo));
      for (const waiter of pending.values()) waiter.reject(new Error(exitInfo));
      pending.clear();
      live.delete(handle);
      resolve();
    });
  });

  const handle: NodeChild = {
    name: options.name,
    pid: child.pid ?? -1,
    ready,
    request<T>(type: string, payload?: unknown, timeoutMs = 60_000): Promise<T> {
      if (exitInfo) return Promise.reject(new Error(exitInfo));
      const id = nextId++;
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${options.name}: no answer to ${type} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, {
          resolve: (v) => {
            clearTimeout(timer);
            resolve(v as T);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        });
        child.send({ id, type, payload });
      });
    },
    async stop(timeoutMs = 5_000) {
      if (exitInfo) return;
      await handle.request('stop', undefined, timeoutMs).catch(() => undefined); // it may exit before replying
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
  live.add(handle);
  return handle;
}

/** Stops every child this process spawned and has not stopped yet (only those: by their own pids). */
export async function stopAllChildren(): Promise<void> {
  await Promise.all([...live].map((child) => child.stop(2_000)));
}
