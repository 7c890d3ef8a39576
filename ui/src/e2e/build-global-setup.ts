import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const UI_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * vitest globalSetup of the e2e project: builds the dashboard the gateway serves once per run, before any
 * browser test starts, so no test runs against a stale build and no two test files build into the same
 * `.svelte-kit`/`build` directories at once. `VIGIL_E2E_SKIP_BUILD=1` reuses an existing `ui/build`.
 */
export default async function setup(): Promise<void> {
  if (process.env.VIGIL_E2E_SKIP_BUILD === '1') return;
  const started = Date.now();
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin/vite.js');
  await run(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: UI_DIR,
    maxBuffer: 16 * 1024 * 1024,
  });
  process.stderr.write(`[ui e2e] dashboard built in ${Date.now() - started} ms\n`);
}
