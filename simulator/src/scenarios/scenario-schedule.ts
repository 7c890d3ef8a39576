import { ValidationError } from '@vigil/core';
import type { ScenarioName } from './registry.ts';

/** Scenarios injected on event time: the first at `startTime + firstAfterMs`, then one every `everyMs`, in turn. */
export interface ScenarioScheduleOptions {
  scenarios: readonly ScenarioName[];
  everyMs: number;
  /** Delay of the first injection after the start; 0 (the default) injects one right away. */
  firstAfterMs?: number;
}

export interface ScenarioSchedule {
  /** Event time of the next injection. */
  readonly nextAt: number;
  /** The scenario due at `nextAt`; advances the schedule. */
  take(): ScenarioName;
}

/** Shortest interval: a zero or tiny one would flood the stream with scenarios (each is up to ~100 events). */
export const MIN_SCENARIO_INTERVAL_MS = 1_000;

/** `endTime`: no injection at or after it (a scenario whose events would all be cut off is noise in the logs). */
export function createScenarioSchedule(
  options: ScenarioScheduleOptions,
  startTime: number,
  endTime = Number.POSITIVE_INFINITY,
): ScenarioSchedule {
  const { scenarios, everyMs, firstAfterMs = 0 } = options;
  if (scenarios.length === 0) throw new ValidationError('a scenario schedule needs at least one scenario');
  if (!Number.isFinite(everyMs) || everyMs < MIN_SCENARIO_INTERVAL_MS) {
    throw new ValidationError(
      `scenario interval must be at least ${MIN_SCENARIO_INTERVAL_MS} ms, got ${everyMs}`,
    );
  }
  let nextAt = startTime + firstAfterMs;
  let turn = 0;
  return {
    get nextAt() {
      return nextAt < endTime ? nextAt : Number.POSITIVE_INFINITY;
    },
    take() {
      const name = scenarios[turn % scenarios.length]!;
      turn++;
      nextAt += everyMs;
      return name;
    },
  };
}
