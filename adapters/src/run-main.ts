import { ConfigError } from '@vigil/core/config';

export interface Running {
  /** Stops in the component's written order; resolves when everything is closed. */
  stop(): Promise<void>;
}

/**
 * The shell of every `main.ts`: starts the component, stops it on SIGINT/SIGTERM (a second signal exits at
 * once), and turns start-up failures into one clear line and an exit code: 2 for bad configuration (no stack
 * trace: the message names each variable), 1 for anything else.
 * `start` receives `fail`, to call when the component can no longer run (exit 1 after stopping).
 */
export function runMain(name: string, start: (fail: (err: unknown) => void) => Promise<Running>): void {
  let running: Running | null = null;
  let stopping = false;

  let exitCode = 0;
  const stop = async (code: number): Promise<void> => {
    // A fatal failure while a signal's stop is under way still makes the exit non-zero.
    exitCode = Math.max(exitCode, code);
    if (stopping) return;
    stopping = true;
    try {
      await running?.stop();
    } catch (err) {
      process.stderr.write(`vigil ${name}: error while stopping: ${(err as Error).stack ?? String(err)}\n`);
      exitCode = 1;
    }
    process.exit(exitCode);
  };

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(1);
      void stop(0);
    });
  }

  start((err) => {
    process.stderr.write(`vigil ${name}: fatal: ${(err as Error)?.stack ?? String(err)}\n`);
    void stop(1);
  }).then(
    (value) => {
      running = value;
      if (stopping) void value.stop();
    },
    (err: unknown) => {
      if (err instanceof ConfigError) {
        for (const problem of err.problems)
          process.stderr.write(`vigil ${name}: invalid configuration: ${problem}\n`);
        process.exit(2);
      }
      process.stderr.write(`vigil ${name}: failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
