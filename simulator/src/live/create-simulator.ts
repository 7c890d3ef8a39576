import type { Source } from '@vigil/core';
import { isRetriable, type OutgoingMessage, retry, SIMULATOR_PUBLISH, ValidationError } from '@vigil/core';
import type { Logger } from 'pino';
import {
  createEventGenerator,
  type EventGenerator,
  type Injection,
} from '../generator/create-event-generator.ts';
import type { GeneratedEvent } from '../generator/event-types.ts';
import type { EventGeneratorOptions } from '../generator/options.ts';
import { DEFAULT_DIURNAL_AMPLITUDE, diurnalFactor } from '../noise/diurnal.ts';
import type { ScenarioName } from '../scenarios/registry.ts';
import type { ScenarioScheduleOptions } from '../scenarios/scenario-schedule.ts';
import { batchByTopic } from './keying.ts';
import { createPacer, type Pacer } from './pacer.ts';
import { createProgressTracker, type ProgressTracker, type SimulatorStats } from './progress.ts';
import type { Publisher } from './publisher.ts';

/** Events per loop turn: one publish per topic per turn keeps a Kafka request well under 1 MB. */
export const DEFAULT_MAX_BATCH = 5_000;
/** Shortest sleep when ahead of schedule: lets a few events gather into one publish. */
const MIN_SLEEP_MS = 5;
/** Longest sleep, so stop() and on-demand scenarios are never kept waiting. */
const MAX_SLEEP_MS = 100;
/** Lag worth a warning: event `ts` now trails the wall clock noticeably. */
const LAG_WARNING_MS = 1_000;

export interface SimulatorOptions {
  /** Where events go: a core `Bus`, or anything with its `publish`. */
  bus: Publisher;
  /** Topic of each source: `topicNames(prefix).events[source]` (TOPIC_PREFIX). */
  topicOf: (source: Source) => string;
  /** `startTime` defaults to `now()` at start(), which makes event `ts` the wall time of sending. */
  generator: Omit<EventGeneratorOptions, 'startTime' | 'schedule'> & { startTime?: number };
  schedule?: ScenarioScheduleOptions;
  /** Scenarios injected once, at the start. */
  scenarios?: readonly ScenarioName[];
  logger: Logger;
  now: () => number;
  /** Real timers by default; tests pass one that advances their clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Send each event when the clock reaches its time (default); false sends as fast as the bus takes them. */
  paced?: boolean;
  /** Stop after this many events. */
  maxEvents?: number;
  /** Stop after this much event time. */
  durationMs?: number;
  maxBatch?: number;
  progressEveryMs?: number;
  onProgress?: (stats: SimulatorStats) => void;
}

export interface Simulator {
  /** Starts publishing; resolves once the loop runs. */
  start(): Promise<void>;
  /** Stops after the publish in flight; resolves with the final stats. */
  stop(): Promise<SimulatorStats>;
  /** Starts a scenario now (on-demand injection). */
  inject(name: ScenarioName): Injection;
  stats(): SimulatorStats;
  /** Settles when the run ends: the count or duration is reached, stop() is called, or a publish fails for good. */
  finished(): Promise<SimulatorStats>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSimulator(options: SimulatorOptions): Simulator {
  const {
    bus,
    now,
    paced = true,
    maxEvents = Number.POSITIVE_INFINITY,
    maxBatch = DEFAULT_MAX_BATCH,
  } = options;
  const logger = options.logger.child({ module: 'simulator' });
  const sleep = options.sleep ?? realSleep;
  const progressEveryMs = options.progressEveryMs ?? 5_000;
  const amplitude = options.generator.diurnalAmplitude ?? DEFAULT_DIURNAL_AMPLITUDE;
  // The rate the schedule asks for right now (the requested rate is a daily mean); unpaced runs have none.
  const targetRate = (at: number) =>
    paced ? Math.round(options.generator.rate * diurnalFactor(at, amplitude) * 10) / 10 : null;
  let generator: EventGenerator | undefined;
  let pacer: Pacer;
  let tracker: ProgressTracker;
  let running = false;
  let done: Promise<SimulatorStats> | undefined;
  let wake: () => void = () => {};
  let lastReport = 0;

  // A sleep that stop() cuts short.
  const pause = (ms: number) =>
    Promise.race([sleep(ms), new Promise<void>((resolve) => (wake = resolve))]).finally(
      () => (wake = () => {}),
    );

  async function publishTopic(topic: string, messages: OutgoingMessage[], lastTime: number): Promise<void> {
    try {
      await retry(() => bus.publish(topic, messages), {
        policy: SIMULATOR_PUBLISH,
        // Stopping: a failure now (a closed pipe, a bus going away) ends the run quietly, without retries.
        retryIf: (err) => running && isRetriable(err),
        sleep: pause,
        onRetry: (err, attempt, delayMs) => {
          tracker.stats.publishRetries++;
          logger.warn(
            { err, topic, attempt, delayMs, messages: messages.length },
            'publish failed, retrying',
          );
        },
      });
    } catch (err) {
      tracker.stats.dropped += messages.length;
      if (running) throw err;
      logger.warn({ err, topic, dropped: messages.length }, 'publish abandoned on stop');
      return;
    }
    tracker.recordSent(topic, messages.length, lastTime);
  }

  async function publishBatch(batch: GeneratedEvent[]): Promise<void> {
    const lastTime = batch[batch.length - 1]!.time;
    await Promise.all(
      [...batchByTopic(batch, options.topicOf)].map(([topic, messages]) =>
        publishTopic(topic, messages, lastTime),
      ),
    );
  }

  function report(): void {
    const at = now();
    if (at - lastReport < progressEveryMs) return;
    lastReport = at;
    const stats = { ...tracker.snapshot(at, pacer.lagMs()), targetRate: targetRate(at) };
    logger.info(stats, 'simulator progress');
    if (stats.lagMs > LAG_WARNING_MS) logger.warn({ lagMs: stats.lagMs }, 'simulator behind schedule');
    options.onProgress?.(stats);
  }

  async function loop(): Promise<SimulatorStats> {
    let taken = 0;
    try {
      while (running) {
        const limit = Math.min(maxBatch, maxEvents - taken);
        if (limit <= 0 || pacer.finished) break;
        const batch = pacer.take(limit);
        if (batch.length === 0) {
          await pause(Math.min(MAX_SLEEP_MS, Math.max(MIN_SLEEP_MS, pacer.waitMs())));
          continue;
        }
        taken += batch.length;
        await publishBatch(batch);
        report();
        // Give timers, signals and stdin a turn even when the loop has no reason to sleep.
        if (pacer.waitMs() === 0) await pause(0);
      }
    } catch (err) {
      logger.error({ err }, 'simulator stopped: publish failed');
      throw err;
    } finally {
      running = false;
    }
    const stats = { ...tracker.total(now(), pacer.lagMs()), targetRate: targetRate(now()) };
    logger.info(stats, 'simulator finished');
    options.onProgress?.(stats);
    return stats;
  }

  const simulator: Simulator = {
    async start() {
      if (done) throw new ValidationError('simulator already started');
      const startTime = options.generator.startTime ?? now();
      const endTime = options.durationMs === undefined ? undefined : startTime + options.durationMs;
      generator = createEventGenerator({
        ...options.generator,
        startTime,
        endTime,
        schedule: options.schedule,
        onInjection: (injection) => {
          tracker.stats.scenariosInjected++;
          const { name, index, at, endsAt, ...rest } = injection;
          const iso = (t: number) => new Date(t).toISOString();
          logger.info(
            { scenario: name, injection: index, at: iso(at), endsAt: iso(endsAt), ...rest },
            'scenario injected',
          );
        },
      });
      tracker = createProgressTracker(now());
      lastReport = now();
      pacer = createPacer({ generator, now, paced, endTime });
      running = true;
      logger.info(
        { ...options.generator, startTime: new Date(startTime).toISOString(), paced },
        'simulator started',
      );
      for (const name of options.scenarios ?? []) generator.inject(name, startTime);
      done = loop();
      // Observed here so that a caller who never awaits finished() gets no unhandled rejection; loop() logs it.
      done.catch(() => undefined);
    },
    async stop() {
      running = false;
      wake();
      if (!done) return createProgressTracker(now()).total(now(), 0);
      // A failed run has already been logged and reported through finished(); stop() just gives the counters.
      return done.catch(() => tracker.total(now(), 0));
    },
    inject(name) {
      if (!generator || !running) throw new ValidationError('simulator is not running');
      return generator.inject(name, paced ? now() : undefined);
    },
    stats: () =>
      tracker ? tracker.total(now(), pacer.lagMs()) : createProgressTracker(now()).total(now(), 0),
    finished() {
      if (!done) return Promise.reject(new ValidationError('simulator not started'));
      return done;
    },
  };
  return simulator;
}
