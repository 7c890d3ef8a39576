import { describe } from 'vitest';
import { type ServiceEndpoints, services } from '../services.ts';

export type ServiceName = 'kafka' | 'postgres' | 's3';

/**
 * `describe` when every needed service is available, else `describe.skip` with the reason
 * printed. Under CI=true the global setup fails instead of providing null, so nothing skips.
 *
 * @example describeWith(['kafka'])('kafka bus', () => { ... });
 */
export const describeWith = (
  needs: ServiceName[],
  endpoints: ServiceEndpoints = services(),
): ReturnType<typeof describe.skipIf> => {
  const absent = needs.filter((name) => endpoints[name] === null);
  if (absent.length > 0) {
    const reasons = endpoints.missing.length > 0 ? endpoints.missing.join('; ') : 'not provided';
    process.stderr.write(`[harness] skipping suites needing ${absent.join(', ')}: ${reasons}\n`);
  }
  return describe.skipIf(absent.length > 0);
};
