export interface WaitHealthyOptions {
  /** Answers 2xx once the component is ready. */
  url: string;
  timeoutMs: number;
  /** How the process ended, or null while it runs: a dead process fails the wait at once. */
  exitStatus: () => string | null;
  intervalMs?: number;
}

/** One request may hang on a component that is still compiling; it must not eat the whole deadline. */
const REQUEST_TIMEOUT_MS = 5_000;

/**
 * Polls a health URL until it answers 2xx. Unlike waitFor it gives up as soon as the process exits,
 * so a bad configuration fails in a second with its exit status instead of after the full timeout.
 */
export const waitHealthy = async (options: WaitHealthyOptions): Promise<void> => {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const exited = options.exitStatus();
    if (exited !== null) throw new Error(`${exited} before ${options.url} was healthy`);
    try {
      const response = await fetch(options.url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await response.arrayBuffer(); // drained, so the connection is released
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error); // not listening yet: the usual answer while it boots
    }
    if (Date.now() >= deadline) {
      throw new Error(`${options.url} not healthy within ${options.timeoutMs} ms (last: ${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250));
  }
};
