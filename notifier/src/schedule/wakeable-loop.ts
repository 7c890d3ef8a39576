import { abortableSleep, backoffDelay, TRANSIENT_FOREVER } from '@vigil/core';
import type { Logger } from 'pino';

/**
 * A background loop: `step` runs, then the loop sleeps for the time it answers (0: go on at once) or until
 * `wake()`. A failing step is logged, counted by `onError`, and tried again after a growing backoff (a
 * database outage is waited out). `stop()` ends the sleep and waits for the step in flight.
 */
export function createWakeableLoop(options: {
  name: string;
  step: () => Promise<number>;
  logger: Logger;
  onError: (err: unknown) => void;
}) {
  let abort = new AbortController();
  let wakeUp = new AbortController();
  let running: Promise<void> | null = null;
  let failures = 0;

  async function loop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      let sleepMs: number;
      try {
        sleepMs = await options.step();
        failures = 0;
      } catch (err) {
        failures++;
        options.onError(err);
        options.logger.warn({ err, loop: options.name, failures }, 'loop step failed');
        sleepMs = backoffDelay(failures, TRANSIENT_FOREVER);
      }
      if (sleepMs <= 0 || signal.aborted) continue;
      const wake = wakeUp.signal;
      await abortableSleep(sleepMs, AbortSignal.any([signal, wake]));
      if (wake.aborted) wakeUp = new AbortController();
    }
  }

  return {
    start(): void {
      if (running) return;
      abort = new AbortController();
      running = loop(abort.signal);
    },
    /** Ends the current sleep: new work was written. */
    wake(): void {
      wakeUp.abort();
    },
    async stop(): Promise<void> {
      abort.abort();
      await running;
      running = null;
    },
  };
}
