import { SOURCES, type Source, ValidationError } from '@vigil/core';
import { MAX_DIURNAL_AMPLITUDE } from '../noise/diurnal.ts';
import { isScenarioName, SCENARIOS } from '../scenarios/registry.ts';
import type { ScenarioScheduleOptions } from '../scenarios/scenario-schedule.ts';

export interface EventGeneratorOptions {
  /** Any integer; the same seed and options give the same events byte for byte. */
  seed: number;
  /** Mean events per second of event time (the daily mean when the diurnal swing is on). */
  rate: number;
  /** Event time of the start, epoch ms. */
  startTime: number;
  /** Sources to generate; all four by default. */
  sources?: readonly Source[];
  /** Swing of the load around its mean over a day, 0 (flat) to 0.9; 0.25 by default. */
  diurnalAmplitude?: number;
  /** Scenarios injected on event time. */
  schedule?: ScenarioScheduleOptions;
  /** Where a run will stop, if known: no scheduled scenario starts at or after it. */
  endTime?: number;
}

/** Above this, ids, population and pacing are untested; the live simulator is measured to ~50k. */
export const MAX_RATE = 1_000_000;

/** 9999-12-31T23:59:59.999Z: later years have no 4-digit ISO 8601 form. */
const MAX_START_TIME = 253_402_300_799_999;

/** Checks generator options, naming every problem in one ValidationError. */
export function checkGeneratorOptions(options: EventGeneratorOptions): void {
  const problems: string[] = [];
  const { seed, rate, startTime, sources = SOURCES, diurnalAmplitude = 0, schedule } = options;
  if (!Number.isSafeInteger(seed)) problems.push(`seed must be an integer, got ${seed}`);
  if (!(rate > 0 && rate <= MAX_RATE))
    problems.push(`rate must be > 0 and ≤ ${MAX_RATE} events/s, got ${rate}`);
  if (!(startTime >= 0 && startTime <= MAX_START_TIME)) {
    problems.push(`startTime must be epoch milliseconds between 1970 and 9999, got ${startTime}`);
  }
  if (sources.length === 0) problems.push('at least one source is needed');
  const unknown = sources.filter((s) => !(SOURCES as readonly string[]).includes(s));
  if (unknown.length > 0)
    problems.push(`unknown sources: ${unknown.join(', ')} (known: ${SOURCES.join(', ')})`);
  if (!(diurnalAmplitude >= 0 && diurnalAmplitude <= MAX_DIURNAL_AMPLITUDE)) {
    problems.push(
      `diurnal amplitude must be between 0 and ${MAX_DIURNAL_AMPLITUDE}, got ${diurnalAmplitude}`,
    );
  }
  for (const name of schedule?.scenarios ?? []) {
    if (!isScenarioName(name)) problems.push(`unknown scenario ${name}`);
    else if (!sources.includes(SCENARIOS[name].source)) {
      problems.push(`scenario ${name} needs source ${SCENARIOS[name].source}, which is not enabled`);
    }
  }
  if (problems.length > 0) throw new ValidationError(problems.join('; '), { details: problems });
}
