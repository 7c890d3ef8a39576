import { isRetriable } from '@vigil/core';
import type { Logger } from 'pino';

/**
 * Runs `attempt` until it succeeds, retrying only retriable errors (a broker still loading its group
 * coordinator, a connection refused) with exponential backoff, at most `attempts` times in all.
 */
export async function retryRetriable(
  attempt: () => Promise<void>,
  options: { attempts: number; logger: Logger; what: string; signal: AbortSignal },
): Promise<void> {
  for (let n = 1; ; n += 1) {
    try {
      await attempt();
      return;
    } catch (err) {
      if (!isRetriable(err) || n >= options.attempts || options.signal.aborted) throw err;
      const delayMs = Math.min(250 * 2 ** (n - 1), 4_000);
      options.logger.warn({ err, attempt: n, delayMs }, `${options.what} failed; retrying`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
