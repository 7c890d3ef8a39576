import type { TestProject } from 'vitest/node';
import { provisionServices } from './provision.ts';
import type { ServiceEndpoints } from './services.ts';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const warnMissing = (endpoints: ServiceEndpoints): void => {
  if (endpoints.missing.length === 0) return;
  log(
    [
      '',
      '[harness] WARNING: integration suites needing these services will be SKIPPED (under CI=true they would fail):',
      ...endpoints.missing.map((reason) => `[harness]   - ${reason}`),
      '',
    ].join('\n'),
  );
};

/**
 * vitest globalSetup of the integration project: provides real Kafka, PostgreSQL and S3 once per
 * test run (see provision.ts for the env overrides and the CI rule) and stops them afterwards.
 * Suites read the endpoints with `services()`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const { endpoints, stop } = await provisionServices({ env: process.env, log });
  log(`[harness] services ready in ${Date.now() - started} ms`);
  warnMissing(endpoints);
  project.provide('services', endpoints);
  return async () => {
    const stopping = Date.now();
    await stop();
    log(`[harness] services stopped in ${Date.now() - stopping} ms`);
  };
}
