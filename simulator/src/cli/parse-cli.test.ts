import { describe, expect, it } from 'vitest';
import { SCENARIO_NAMES } from '../scenarios/registry.ts';
import { CliError, parseCli } from './parse-cli.ts';

const problem = (argv: string[], env: Record<string, string> = {}): string => {
  try {
    parseCli(argv, env);
  } catch (err) {
    if (err instanceof CliError) return err.message;
    throw err;
  }
  throw new Error('expected a CliError');
};

describe('parseCli', () => {
  it('has defaults for everything', () => {
    expect(parseCli([], {})).toMatchObject({
      rate: 50,
      seed: undefined,
      sources: ['logs', 'metrics', 'transactions', 'security'],
      scenarios: [],
      schedule: undefined,
      stdout: false,
      fast: false,
      partitions: 6,
      progressEveryMs: 5_000,
      interactive: undefined,
      kafkaBrokers: undefined,
    });
  });

  it('reads the environment, flags taking precedence', () => {
    const env = { SIMULATOR_RATE: '200', SIMULATOR_SEED: '7', KAFKA_BROKERS: 'k1:9092,k2:9092' };
    expect(parseCli([], env)).toMatchObject({ rate: 200, seed: 7, kafkaBrokers: ['k1:9092', 'k2:9092'] });
    expect(parseCli(['--rate', '5', '--seed=-3'], env)).toMatchObject({ rate: 5, seed: -3 });
  });

  it('parses counts, durations and lists', () => {
    expect(
      parseCli(
        ['--count', '1000', '--duration', '5m', '--sources', 'logs, security', '--progress-every', '500ms'],
        {},
      ),
    ).toMatchObject({
      count: 1_000,
      durationMs: 300_000,
      sources: ['logs', 'security'],
      progressEveryMs: 500,
    });
  });

  describe('scenarios', () => {
    it('injects --scenario right away when there is no interval', () => {
      expect(
        parseCli(['--scenario', 'error-spike,brute-force', '--scenario', 'fraud-burst'], {}),
      ).toMatchObject({
        scenarios: ['error-spike', 'brute-force', 'fraud-burst'],
        schedule: undefined,
      });
    });
    it('schedules them with --scenario-every', () => {
      expect(
        parseCli(['--scenario', 'error-spike,brute-force', '--scenario-every', '60s'], {}),
      ).toMatchObject({
        scenarios: [],
        schedule: { scenarios: ['error-spike', 'brute-force'], everyMs: 60_000 },
      });
    });
    it('schedules every scenario when only the interval is given', () => {
      expect(parseCli(['--scenario-every', '2m'], {}).schedule).toEqual({
        scenarios: [...SCENARIO_NAMES],
        everyMs: 120_000,
      });
    });
    it('accepts "all"', () => {
      expect(parseCli(['--scenario', 'all'], {}).scenarios).toEqual([...SCENARIO_NAMES]);
    });
  });

  describe('refuses, on one line naming each problem', () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['--bogus'], {}, /Unknown option '--bogus'/],
      [['--rate', 'fast'], {}, /--rate fast/],
      [[], { SIMULATOR_RATE: '-1' }, /SIMULATOR_RATE="-1"/],
      [[], { KAFKA_BROKERS: 'nohost' }, /KAFKA_BROKERS/],
      [['--seed', '1.5'], {}, /--seed 1.5: expected an integer/],
      [['--sources', 'logs,bogus'], {}, /unknown source "bogus"/],
      [['--scenario', 'meteor'], {}, /unknown scenario "meteor"/],
      [['--scenario', 'fraud-burst', '--sources', 'logs'], {}, /needs source transactions/],
      [['--scenario-every', '10ms'], {}, /at least 1s/],
      [['--duration', 'soon'], {}, /--duration soon/],
      [['--start', '2026-11-21T00:00:00Z'], {}, /needs --fast/],
      [['--diurnal', '3'], {}, /--diurnal 3/],
    ];
    for (const [argv, env, message] of cases) {
      it(`${argv.join(' ')} ${JSON.stringify(env)}`, () => {
        const text = problem(argv, env);
        expect(text).toMatch(message);
        expect(text).not.toContain('\n');
      });
    }
    it('lists several problems at once', () => {
      expect(problem(['--rate', 'x', '--count', '0'])).toMatch(/--rate x.*; --count 0/);
    });
  });
});
