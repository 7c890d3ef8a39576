import { parseArgs } from 'node:util';
import { isDateTime, isSource, SOURCES, type Source, ValidationError } from '@vigil/core';
import { ConfigError, commonVars, loadConfig, simulatorVars, validators } from '@vigil/core/config';
import { MAX_RATE } from '../generator/options.ts';
import { MAX_DIURNAL_AMPLITUDE } from '../noise/diurnal.ts';
import { isScenarioName, SCENARIO_NAMES, SCENARIOS, type ScenarioName } from '../scenarios/registry.ts';
import { MIN_SCENARIO_INTERVAL_MS } from '../scenarios/scenario-schedule.ts';
import { parseDuration } from './durations.ts';

/**
 * Environment variables the simulator reads: the common ones like every runnable (one shared environment is
 * validated the same way everywhere; core's cross-checks also read the S3_* keys), plus its own.
 */
export const simulatorEnv = {
  ...commonVars,
  ...simulatorVars,
  SIMULATOR_SEED: validators.num({ default: undefined, desc: 'random seed; unset picks one (and logs it)' }),
};

export interface CliConfig {
  help: boolean;
  listScenarios: boolean;
  rate: number;
  seed: number | undefined;
  sources: Source[];
  count: number | undefined;
  durationMs: number | undefined;
  /** Injected once, right at the start (given --scenario without --scenario-every). */
  scenarios: ScenarioName[];
  /** Injected in turn every `everyMs` from the start (given --scenario-every). */
  schedule: { scenarios: ScenarioName[]; everyMs: number } | undefined;
  stdout: boolean;
  fast: boolean;
  startTime: number | undefined;
  diurnal: number | undefined;
  partitions: number;
  progressEveryMs: number;
  /** undefined: decide from whether stdin is a terminal. */
  interactive: boolean | undefined;
  logLevel: string;
  kafkaBrokers: string[] | undefined;
  kafkaClientId: string;
  /** TOPIC_PREFIX: prepended to every topic name. */
  topicPrefix: string;
}

/** A bad flag or variable: main prints the message on one line and exits with code 2. */
export class CliError extends ValidationError {}

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  'list-scenarios': { type: 'boolean' },
  rate: { type: 'string' },
  seed: { type: 'string' },
  sources: { type: 'string' },
  count: { type: 'string' },
  duration: { type: 'string' },
  scenario: { type: 'string', multiple: true },
  'scenario-every': { type: 'string' },
  stdout: { type: 'boolean' },
  fast: { type: 'boolean' },
  start: { type: 'string' },
  diurnal: { type: 'string' },
  partitions: { type: 'string' },
  'progress-every': { type: 'string' },
  interactive: { type: 'boolean' },
} as const;

const list = (values: string[]) =>
  values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

/** Parses argv (without node and script) and the environment; throws CliError naming every problem. */
export function parseCli(argv: string[], env: Record<string, string | undefined>): CliConfig {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowNegative: true }>>;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowNegative: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message.split('\n')[0]!);
  }
  let vars: ReturnType<typeof loadConfig<typeof simulatorEnv>>;
  try {
    vars = loadConfig(simulatorEnv, env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.problems.join('; '));
    throw err;
  }
  const v = parsed.values;
  const problems: string[] = [];
  const number = (flag: string, raw: string | undefined, check: (n: number) => boolean, what: string) => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (raw.trim() === '' || !check(n)) {
      problems.push(`--${flag} ${raw}: expected ${what}`);
      return undefined;
    }
    return n;
  };
  const duration = (flag: string, raw: string | undefined) => {
    if (raw === undefined) return undefined;
    const ms = parseDuration(raw);
    if (ms === null || ms <= 0)
      problems.push(`--${flag} ${raw}: expected a duration like 500ms, 90s, 5m or 1h`);
    return ms ?? undefined;
  };

  const rate =
    number('rate', v.rate, (n) => n >= 0 && n <= MAX_RATE, `a number of events/s from 0 to ${MAX_RATE}`) ??
    vars.SIMULATOR_RATE;
  if (rate > MAX_RATE) problems.push(`SIMULATOR_RATE=${rate}: at most ${MAX_RATE} events/s`);
  const seed = number('seed', v.seed, Number.isSafeInteger, 'an integer') ?? vars.SIMULATOR_SEED;
  if (seed !== undefined && !Number.isSafeInteger(seed))
    problems.push(`SIMULATOR_SEED=${seed}: expected an integer`);
  const sources = v.sources === undefined ? [...SOURCES] : list([v.sources]);
  for (const s of sources)
    if (!isSource(s)) problems.push(`--sources: unknown source "${s}" (known: ${SOURCES.join(', ')})`);
  if (sources.length === 0) problems.push('--sources: name at least one source');
  const named = list(v.scenario ?? []);
  const scenarios = named.includes('all') ? [...SCENARIO_NAMES] : named;
  for (const s of scenarios) {
    if (!isScenarioName(s))
      problems.push(`--scenario: unknown scenario "${s}" (known: ${SCENARIO_NAMES.join(', ')}, all)`);
  }
  for (const s of scenarios) {
    if (isScenarioName(s) && !sources.includes(SCENARIOS[s].source)) {
      problems.push(`--scenario ${s} needs source ${SCENARIOS[s].source}, which --sources leaves out`);
    }
  }
  const scenarioEveryMs = duration('scenario-every', v['scenario-every']);
  if (scenarioEveryMs !== undefined && scenarioEveryMs < MIN_SCENARIO_INTERVAL_MS) {
    problems.push(`--scenario-every ${v['scenario-every']}: at least ${MIN_SCENARIO_INTERVAL_MS / 1000}s`);
  }
  const start = v.start;
  if (start !== undefined && !isDateTime(start))
    problems.push(`--start ${start}: expected an ISO 8601 date-time with a zone`);
  if (start !== undefined && !v.fast) problems.push('--start sets simulated time and needs --fast');
  const diurnal = number(
    'diurnal',
    v.diurnal,
    (n) => n >= 0 && n <= MAX_DIURNAL_AMPLITUDE,
    `a number from 0 to ${MAX_DIURNAL_AMPLITUDE}`,
  );
  const partitions =
    number(
      'partitions',
      v.partitions,
      (n) => Number.isInteger(n) && n >= 1 && n <= 1_000,
      'an integer from 1 to 1000',
    ) ?? 6;
  const count = number('count', v.count, (n) => Number.isInteger(n) && n > 0, 'a positive integer');
  const durationMs = duration('duration', v.duration);
  const progressEveryMs = duration('progress-every', v['progress-every']) ?? 5_000;
  if (problems.length > 0) throw new CliError(problems.join('; '));

  const chosen = scenarios as ScenarioName[];
  return {
    help: v.help ?? false,
    listScenarios: v['list-scenarios'] ?? false,
    rate,
    seed,
    sources: sources as Source[],
    count,
    durationMs,
    scenarios: scenarioEveryMs === undefined ? chosen : [],
    schedule:
      scenarioEveryMs === undefined
        ? undefined
        : { scenarios: chosen.length > 0 ? chosen : [...SCENARIO_NAMES], everyMs: scenarioEveryMs },
    stdout: v.stdout ?? false,
    fast: v.fast ?? false,
    startTime: start === undefined ? undefined : Date.parse(start),
    diurnal,
    partitions,
    progressEveryMs,
    interactive: v.interactive,
    logLevel: vars.LOG_LEVEL,
    kafkaBrokers: vars.KAFKA_BROKERS,
    kafkaClientId: vars.KAFKA_CLIENT_ID,
    topicPrefix: vars.TOPIC_PREFIX,
  };
}
