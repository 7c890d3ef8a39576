/**
 * Last-resort cleanup when the run ends without calling stop(): vitest exits on Ctrl-C without
 * running global teardown, and a crash skips it too. Each action must be synchronous (kill by
 * PID, rmSync) because nothing asynchronous runs inside an 'exit' listener.
 */
type Action = () => void;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const actions = new Set<Action>();
let installed = false;

const runAll = (): void => {
  for (const action of [...actions].reverse()) {
    actions.delete(action);
    try {
      action();
    } catch (error) {
      // Keep going: one stuck child must not leave the others running.
      process.stderr.write(`[harness] emergency cleanup step failed: ${String(error)}\n`);
    }
  }
};

const onSignal = (signal: NodeJS.Signals): void => {
  runAll();
  for (const s of SIGNALS) process.off(s, onSignal);
  // Another listener (vitest's own) decides how to exit; without one, die the default way.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
};

/** Registers a synchronous action to run on SIGINT/SIGTERM/SIGHUP or exit; returns its remover. */
export const onEmergencyExit = (action: Action): (() => void) => {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  actions.add(action);
  return () => {
    actions.delete(action);
  };
};
