import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const main = (workspace: string, file: string) =>
  fileURLToPath(new URL(`../../${workspace}/src/${file}`, import.meta.url));

const PASSWORD = 'Sup3r-s3cret-pw';

function start(entry: string, env: Record<string, string>) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stderr: run.stderr, stdout: run.stdout };
}

// A mistyped DATABASE_URL once came back on stderr verbatim, password included, and from there into every
// log collector. Each case starts a composition root as a child process (seconds on 2 busy cores).
describe('a bad DATABASE_URL is named on stderr without its password', { timeout: 90_000 }, () => {
  it.each([
    ['gateway', main('gateway', 'main.ts'), `postgress://vigil:${PASSWORD}@db:5432/vigil`],
    ['processor', main('processor', 'main.ts'), `postgres://vigil:${PASSWORD}@db:port/vigil`],
  ])('%s', (name, entry, url) => {
    const { code, stderr, stdout } = start(entry, { DATABASE_URL: url });
    expect(code).toBe(2);
    expect(stderr).toMatch(
      new RegExp(`^vigil ${name}: invalid configuration: DATABASE_URL="[^"]*:\\[redacted\\]@db`),
    );
    expect(stderr + stdout).not.toContain(PASSWORD);
  });
});
