import { TimeoutError } from '@vigil/core';
import type { HealthProbe } from './http-ports.ts';

export type ComponentHealth = { status: 'up' } | { status: 'down'; error: string };

function withTimeout(probe: HealthProbe, timeoutMs: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  // A probe that throws synchronously is as down as one that rejects.
  const running = Promise.resolve().then(probe);
  return Promise.race([running, timeout]).finally(() => clearTimeout(timer));
}

/** Runs every probe in parallel; a rejection or a timeout marks that component down with the reason. */
export async function runProbes(
  probes: Readonly<Record<string, HealthProbe>>,
  timeoutMs: number,
): Promise<Record<string, ComponentHealth>> {
  const entries = await Promise.all(
    Object.entries(probes).map(async ([name, probe]): Promise<[string, ComponentHealth]> => {
      try {
        await withTimeout(probe, timeoutMs);
        return [name, { status: 'up' }];
      } catch (err) {
        return [name, { status: 'down', error: err instanceof Error ? err.message : String(err) }];
      }
    }),
  );
  return Object.fromEntries(entries);
}
