import type { Source } from '@vigil/core';
import type { SourcedBody, TimedBody } from '../generator/event-types.ts';
import type { Rng } from '../random/rng.ts';

/**
 * An anomaly scenario is data (name, the rules it triggers, its length) plus one small function that plans
 * its events from a start time. The generator interleaves the planned events with the background stream.
 */
export interface ScenarioContext {
  /** The scenario's own random stream: the background stream is the same with or without it. */
  rng: Rng;
  /** Event time (epoch ms) the scenario starts at. */
  start: number;
  /** Size of the user population, to pick victims the background also uses. */
  population: number;
}

/**
 * A change to background events while a scenario runs, e.g. every sample of the saturated host reports
 * high cpu. Without it the background samples of that host would contradict the scenario's own.
 */
export interface NoiseEffect {
  from: number;
  to: number;
  /** Mutates a background body in place when it is affected. */
  apply(item: SourcedBody, time: number): void;
}

export interface ScenarioPlan {
  /** What the scenario hits, for logs and the README: `service=payments`, `host=search-eu1-03`, `ip=…`. */
  target: string;
  /** Planned events, sorted by time, all at or after the start. */
  events: TimedBody[];
  effects: NoiseEffect[];
}

export interface Scenario {
  name: string;
  description: string;
  /** The default rules (processor/RULES.md, "Default rules") its events satisfy, with margin. */
  triggers: readonly string[];
  /** The source its triggering events are in; the scenario cannot run without it. */
  source: Source;
  durationMs: number;
  plan(ctx: ScenarioContext): ScenarioPlan;
}

/** Sorts planned events by time, keeping the planned order among equal times. */
export const byTime = (events: TimedBody[]): TimedBody[] => events.sort((a, b) => a.time - b.time);
