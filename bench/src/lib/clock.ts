/**
 * Milliseconds on the machine's monotonic clock (CLOCK_MONOTONIC through process.hrtime), with
 * nanosecond resolution. One clock for every process of the machine, so a timestamp taken in the server
 * process and one taken in a client process compare directly. Not `performance.timeOrigin + now()`:
 * timeOrigin is a per-process estimate made at start-up, and cross-process latencies built on it came
 * out negative in early runs here; the monotonic clock needs no estimate.
 */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` every `everyMs` until it holds (true) or `timeoutMs` passes (false). Never throws. */
export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(everyMs);
  }
}
