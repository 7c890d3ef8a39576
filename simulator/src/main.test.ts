import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { validateEvent } from '@vigil/core';
import { describe, expect, it } from 'vitest';

const workspace = fileURLToPath(new URL('..', import.meta.url));

/** Runs the CLI as a user would, without Kafka (no network): exit code, stdout, stderr. */
function cli(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts', ...args],
      { cwd: workspace, env: { PATH: process.env.PATH ?? '', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const replay = ['--stdout', '--fast', '--seed', '42', '--start', '2026-11-21T14:00:00Z', '--count', '3000'];

// Each test starts the CLI as a child process (tsx compiles on start): seconds on a busy 2-core machine.
describe('simulator CLI (main.ts)', { timeout: 60_000 }, () => {
  it('refuses a bad flag or variable with one line and exit code 2', async () => {
    const [flag, env] = await Promise.all([
      cli(['--rate', 'lots']),
      cli(['--stdout'], { SIMULATOR_RATE: '-5' }),
    ]);
    for (const run of [flag, env]) {
      expect(run.code).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(flag.stderr).toMatch(/^vigil-simulator: --rate lots/);
  });

  it('says it needs KAFKA_BROKERS or --stdout', async () => {
    const run = await cli([]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/KAFKA_BROKERS.*--stdout/);
  });

  it('replays a run byte for byte from --seed and --start, every line a valid event', async () => {
    const [a, b] = await Promise.all([cli(replay), cli(replay)]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const lines = a.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { source: 'logs'; event: unknown });
    expect(lines).toHaveLength(3000);
    expect(lines.filter((l) => !validateEvent(l.source, l.event).ok)).toEqual([]);
  });

  it('writes bare events for a single source, scenario included', async () => {
    const run = await cli([
      '--stdout',
      '--fast',
      '--sources',
      'security',
      '--scenario',
      'brute-force',
      '--count',
      '5000',
    ]);
    expect(run.code).toBe(0);
    const events = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string; id: string });
    expect(
      events.filter((e) => e.action === 'login_failure' && e.id.includes('-x0-')).length,
    ).toBeGreaterThanOrEqual(20);
    expect(run.stderr).toMatch(/"msg":"scenario injected"/);
  });
});
