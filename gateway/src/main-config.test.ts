import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = (workspace: string, file: string) =>
  fileURLToPath(new URL(`../../${workspace}/src/${file}`, import.meta.url));

function start(entry: string, env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, lines: run.stderr.trim().split('\n') };
}

// Each case starts a composition root as a child process (tsx compiles on start): seconds on 2 busy cores.
// npm start's case is app/src/embedded-main.test.ts.
describe('bad configuration stops a runnable with one line per variable, no stack trace', {
  timeout: 90_000,
}, () => {
  it('gateway', () => {
    const { code, lines } = start(main('gateway', 'main.ts'), { PORT: 'abc', KAFKA_BROKERS: 'nohost' });
    expect(code).toBe(2);
    expect(lines).toHaveLength(2);
    expect(lines.find((l) => l.includes('PORT="abc"'))).toMatch(/^vigil gateway: invalid configuration: /);
    expect(lines.find((l) => l.includes('KAFKA_BROKERS="nohost"'))).toMatch(/host:port/);
  });

  it('processor', () => {
    const { code, lines } = start(main('processor', 'main.ts'), { METRICS_PORT: '-1' });
    expect(code).toBe(2);
    expect(lines).toEqual([
      expect.stringMatching(/^vigil processor: invalid configuration: METRICS_PORT="-1"/),
    ]);
  });
});
