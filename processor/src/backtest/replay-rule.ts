import { performance } from 'node:perf_hooks';
import type { Alert, Archive } from '@vigil/core';
import type { BacktestProgress, BacktestReplayStats, BacktestStop, Rule } from '@vigil/core/rules';
import { replayWindowMs } from '../processor-service.ts';
import { createRuleEngine } from '../rules/index.ts';
import { listObjects, PartitionCursor, type ReplayCounters } from './archive-replay.ts';
import {
  type BacktestLimits,
  DEFAULT_BACKTEST_LIMITS,
  PROGRESS_EVERY_MS,
  YIELD_EVERY_EVENTS,
} from './backtest-limits.ts';
import { foldEpisodes } from './fold-episodes.ts';

export interface ReplayRuleOptions {
  /** The raw-event archive the processors write (filesystem or S3), read only. */
  archive: Pick<Archive, 'get' | 'list'>;
  /** The rule to test, parsed (core's parseRule); run even if disabled: the question is what it would do. */
  rule: Rule;
  /** Half-open range of event time (ms). */
  from: number;
  to: number;
  /** Aborting stops the replay at the next check (`stopped: cancelled`). */
  signal?: AbortSignal;
  onProgress?: (progress: BacktestProgress) => void;
  limits?: Partial<BacktestLimits>;
  /** Wall clock of the rule engine (its watermark and future bound); default Date.now. */
  now?: () => number;
}

export interface ReplayedRule {
  /** Every firing in [from, to), in the order the engine raised them. */
  firings: Alert[];
  /** The firings folded per rule and key as the store folds them (foldEpisodes), oldest first. */
  episodes: Alert[];
  stats: BacktestReplayStats;
  stopped: { reason: BacktestStop; limit: number | null } | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Replays the archived raw events of [from, to) of the rule's source through a fresh rule engine holding
 * only that rule: the processor's engine, on event time, with its windows and lateness. Windows are warmed
 * up first from the replay horizon before `from` (as a processor taking over a partition does), and the
 * firings of the warm-up are dropped. Partitions are merged by event time, each in offset order (the order
 * the live engine read it in). Reads only the archive: live processing is not touched.
 */
export async function replayRule(options: ReplayRuleOptions): Promise<ReplayedRule> {
  const limits = { ...DEFAULT_BACKTEST_LIMITS, ...options.limits };
  const { from, to, signal } = options;
  const rule = { ...options.rule, enabled: true } as Rule;
  const warmFrom = from - replayWindowMs([rule]);
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const engine = createRuleEngine({ rules: [rule], now: options.now ?? Date.now });
  const counters: ReplayCounters = { objects: 0, objectsTotal: 0, missingObjects: 0, invalidLines: 0 };
  const groups = await listObjects(options.archive, rule.source, warmFrom, to);
  counters.objectsTotal = groups.reduce((n, g) => n + g.length, 0);
  const cursors = groups.map(
    (objects) => new PartitionCursor(options.archive, objects, rule.source, counters, limits.maxObjectBytes),
  );
  const firings: Alert[] = [];
  let events = 0;
  let warmupEvents = 0;
  let lateEvents = 0;
  let reached: number | null = null;
  let lastProgress = Number.NEGATIVE_INFINITY;
  let stopped: ReplayedRule['stopped'] = null;

  const progress = (force: boolean) => {
    if (!options.onProgress || (!force && elapsed() - lastProgress < PROGRESS_EVERY_MS)) return;
    lastProgress = elapsed();
    options.onProgress({
      events,
      objects: counters.objects,
      objectsTotal: counters.objectsTotal,
      eventTime: reached === null ? null : iso(reached),
      elapsedMs: Math.round(elapsed()),
    });
  };
  /** The limit that stops the replay now, if any. */
  const check = (): ReplayedRule['stopped'] => {
    if (signal?.aborted) return { reason: 'cancelled', limit: null };
    if (elapsed() > limits.maxWallMs) return { reason: 'maxWallMs', limit: limits.maxWallMs };
    if (events >= limits.maxEvents) return { reason: 'maxEvents', limit: limits.maxEvents };
    if (firings.length >= limits.maxFirings) return { reason: 'maxFirings', limit: limits.maxFirings };
    return null;
  };

  await Promise.all(cursors.map((c) => c.advance()));
  for (;;) {
    if (events >= limits.maxEvents) {
      stopped = { reason: 'maxEvents', limit: limits.maxEvents };
      break;
    }
    if (events % YIELD_EVERY_EVENTS === 0) {
      stopped = check();
      if (stopped) break;
      progress(false);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Linear over the partitions' heads: a source has a handful of partitions.
    let next: PartitionCursor | null = null;
    for (const cursor of cursors) {
      if (cursor.head && (!next || cursor.head.eventTime < next.head!.eventTime)) next = cursor;
    }
    if (!next) break;
    const { event, eventTime, ref } = next.head!;
    await next.advance();
    events += 1;
    if (eventTime < warmFrom || eventTime >= to) continue; // the hour folder holds events outside the range
    reached = eventTime;
    const evaluation = engine.evaluate({ source: rule.source, event, ref, eventTime });
    if (evaluation.late) lateEvents += 1;
    if (eventTime < from) {
      warmupEvents += 1;
      continue;
    }
    for (const alert of evaluation.alerts) firings.push(alert);
    if (firings.length >= limits.maxFirings) {
      stopped = check();
      break;
    }
  }
  progress(true);
  const durationMs = Math.round(elapsed());
  return {
    firings,
    episodes: foldEpisodes(firings, rule.resolveAfterMs ?? 0),
    stopped,
    stats: {
      events,
      warmupEvents,
      invalidLines: counters.invalidLines,
      lateEvents,
      objects: counters.objects,
      missingObjects: counters.missingObjects,
      firings: firings.length,
      durationMs,
      eventsPerSecond: durationMs === 0 ? events * 1000 : Math.round((events * 1000) / durationMs),
    },
  };
}
