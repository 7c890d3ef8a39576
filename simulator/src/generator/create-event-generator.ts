import { SOURCES, type Source, ValidationError } from '@vigil/core';
import { populationFor } from '../catalog/people.ts';
import { ALL_HOSTS } from '../catalog/services.ts';
import { DEFAULT_DIURNAL_AMPLITUDE, diurnalFactor } from '../noise/diurnal.ts';
import { logNoise, type NoiseContext } from '../noise/log-noise.ts';
import { metricNoise } from '../noise/metric-noise.ts';
import { securityNoise } from '../noise/security-noise.ts';
import { transactionNoise } from '../noise/transaction-noise.ts';
import { deriveSeed } from '../random/hash.ts';
import { createRng, weightedPick } from '../random/rng.ts';
import { isScenarioName, SCENARIOS, type ScenarioName } from '../scenarios/registry.ts';
import type { NoiseEffect } from '../scenarios/scenario.ts';
import { createScenarioSchedule } from '../scenarios/scenario-schedule.ts';
import { createIsoClock, noiseEventId, runTag, scenarioEventId } from './event-ids.ts';
import type { GeneratedEvent, SourcedBody, TimedBody } from './event-types.ts';
import { checkGeneratorOptions, type EventGeneratorOptions } from './options.ts';

/** Mix of the background stream (renormalised over the enabled sources). */
export const SOURCE_WEIGHTS: Readonly<Record<Source, number>> = {
  logs: 0.45,
  metrics: 0.25,
  transactions: 0.18,
  security: 0.12,
};

export interface Injection {
  /** 0 for the first scenario injected in this generator, then 1, 2, … */
  index: number;
  name: ScenarioName;
  /** Event time of the scenario's start. */
  at: number;
  endsAt: number;
  target: string;
  triggers: readonly string[];
  events: number;
}

/** An endless, time-ordered stream of events: background noise with scenarios interleaved. */
export interface EventGenerator extends Iterable<GeneratedEvent> {
  next(): GeneratedEvent;
  /** Event time of the event `next()` will return. */
  peekTime(): number;
  /** Starts a scenario at event time `at` (default and minimum: the time of the last event returned). */
  inject(name: ScenarioName, at?: number): Injection;
  /** Events returned so far. */
  readonly produced: number;
}

interface Pending {
  injection: number;
  events: TimedBody[];
  pos: number;
}

export function createEventGenerator(
  options: EventGeneratorOptions & { onInjection?: (injection: Injection) => void },
): EventGenerator {
  checkGeneratorOptions(options);
  const { seed, rate, startTime, sources = SOURCES, onInjection } = options;
  const amplitude = options.diurnalAmplitude ?? DEFAULT_DIURNAL_AMPLITUDE;
  const enabled = new Set<Source>(sources);
  const sourceList = SOURCES.filter((s) => enabled.has(s));
  const weights = sourceList.map((s) => SOURCE_WEIGHTS[s]);
  const population = populationFor(rate);
  const run = runTag(seed, startTime);
  const iso = createIsoClock();
  const rng = createRng(deriveSeed(seed, 'noise'));
  const ctx: NoiseContext = { rng, population, load: 1 };
  const schedule = options.schedule
    ? createScenarioSchedule(options.schedule, startTime, options.endTime)
    : undefined;
  const pending: Pending[] = [];
  let effects: NoiseEffect[] = [];
  let hostCursor = 0;
  let injections = 0;
  let produced = 0;
  let lastTime = startTime;
  // Arrivals are a Poisson process whose intensity follows the time of day.
  const gap = (at: number) => rng.exponential(1000 / (rate * diurnalFactor(at, amplitude)));
  let nextNormal = startTime + gap(startTime);

  function earliestPending(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of pending) if (!best || p.events[p.pos]!.time < best.events[best.pos]!.time) best = p;
    return best;
  }

  function injectDue(): void {
    while (schedule) {
      const head = earliestPending();
      const horizon = head ? Math.min(nextNormal, head.events[head.pos]!.time) : nextNormal;
      if (schedule.nextAt > horizon) return;
      const at = schedule.nextAt;
      inject(schedule.take(), at);
    }
  }

  function inject(name: ScenarioName, at?: number): Injection {
    if (!isScenarioName(name)) throw new ValidationError(`unknown scenario ${name}`);
    const scenario = SCENARIOS[name];
    if (!enabled.has(scenario.source)) {
      throw new ValidationError(`scenario ${name} needs source ${scenario.source}, which is not enabled`);
    }
    const start = Math.max(Math.floor(at ?? lastTime), lastTime);
    const index = injections++;
    const plan = scenario.plan({
      rng: createRng(deriveSeed(seed, 'scenario', index, name)),
      start,
      population,
    });
    const events = plan.events.filter((e) => enabled.has(e.source));
    if (events.length > 0) pending.push({ injection: index, events, pos: 0 });
    effects.push(...plan.effects);
    const injection: Injection = {
      index,
      name,
      at: start,
      endsAt: start + scenario.durationMs,
      target: plan.target,
      triggers: scenario.triggers,
      events: events.length,
    };
    onInjection?.(injection);
    return injection;
  }

  function emit(item: SourcedBody, time: number, id: string): GeneratedEvent {
    produced++;
    lastTime = time;
    return { source: item.source, event: { id, ts: iso(time), ...item.body }, time } as GeneratedEvent;
  }

  function nextScenarioEvent(p: Pending): GeneratedEvent {
    const planned = p.events[p.pos]!;
    const id = scenarioEventId(run, p.injection, p.pos);
    p.pos++;
    if (p.pos === p.events.length) pending.splice(pending.indexOf(p), 1);
    return emit(planned, Math.floor(planned.time), id);
  }

  function nextNoiseEvent(): GeneratedEvent {
    const at = nextNormal;
    const time = Math.floor(at);
    ctx.load = diurnalFactor(at, amplitude);
    const source = weightedPick(rng, sourceList, weights);
    let item: SourcedBody;
    if (source === 'logs') item = { source, body: logNoise(ctx) };
    else if (source === 'metrics') {
      item = { source, body: metricNoise(ctx, hostCursor, time) };
      hostCursor = (hostCursor + 1) % ALL_HOSTS.length;
    } else if (source === 'transactions') item = { source, body: transactionNoise(ctx) };
    else item = { source, body: securityNoise(ctx, time) };
    if (effects.length > 0) {
      let expired = false;
      for (const effect of effects) {
        if (effect.to <= time) expired = true;
        else if (effect.from <= time) effect.apply(item, time);
      }
      if (expired) effects = effects.filter((e) => e.to > time);
    }
    nextNormal = at + gap(at);
    return emit(item, time, noiseEventId(run, produced));
  }

  const generator: EventGenerator = {
    next() {
      injectDue();
      const head = earliestPending();
      return head && head.events[head.pos]!.time <= nextNormal ? nextScenarioEvent(head) : nextNoiseEvent();
    },
    peekTime() {
      injectDue();
      const head = earliestPending();
      return Math.floor(head ? Math.min(head.events[head.pos]!.time, nextNormal) : nextNormal);
    },
    inject,
    get produced() {
      return produced;
    },
    [Symbol.iterator]() {
      return { next: () => ({ done: false, value: generator.next() }) };
    },
  };
  return generator;
}

/** The next `count` events of a generator. */
export function take(generator: EventGenerator, count: number): GeneratedEvent[] {
  const out: GeneratedEvent[] = new Array(count);
  for (let i = 0; i < count; i++) out[i] = generator.next();
  return out;
}
