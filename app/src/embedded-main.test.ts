import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./embedded-main.ts', import.meta.url));

// A child process (tsx compiles the whole system on start): seconds on 2 busy cores.
describe('npm start with a bad configuration', { timeout: 90_000 }, () => {
  it('exits 2 with one line per variable, no stack trace', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, LOG_LEVEL: 'silent', SIMULATOR_RATE: 'fast' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^vigil embedded: invalid configuration: SIMULATOR_RATE="fast"/),
    ]);
  });
});
