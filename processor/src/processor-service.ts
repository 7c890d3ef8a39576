import type { Archive, Bus, TopicNames } from '@vigil/core';
import type { Rule } from '@vigil/core/rules';
import { RULE_DEFAULTS, ruleVersionOf } from '@vigil/core/rules';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ArchiveLimits } from './archive/raw-archiver.ts';
import { createProcessorMetrics } from './metrics/processor-metrics.ts';
import { createAutoResolve, type IdleResolver } from './pipeline/auto-resolve.ts';
import {
  type AlertWriter,
  createEventProcessor,
  type RuleEvaluator,
  type RuleSet,
} from './pipeline/event-processor.ts';
import { createRuleEngine, RULE_ENGINE_DEFAULTS } from './rules/index.ts';
import { planRepartition } from './rules/repartition-plan.ts';

export interface ProcessorServiceOptions {
  bus: Bus;
  archive: Archive;
  store: AlertWriter;
  rules: readonly Rule[];
  logger: Logger;
  registry: Registry;
  now?: () => number;
  groupId?: string;
  /** Topic names under TOPIC_PREFIX: `topicNames(prefix)` (`topicNames()` for the unprefixed defaults). */
  topics: TopicNames;
  archiveLimits?: ArchiveLimits;
  /** A partition whose batch is unfinished for longer than this is stalled (DEFAULT_STALL_AFTER_MS). */
  stallAfterMs?: number;
  /**
   * Replaces the rule engine built from `rules`, one per partition. Only for test entries that need a
   * faulty engine (processor/src/testing/faulty-engine-main.ts); `rules` still sets the replay window.
   */
  createEngine?: () => RuleEvaluator;
  /** A failure that is not the input's fault nor transient (a bug): the caller must exit non-zero. */
  onFatal: (err: unknown) => void;
  /** How often auto-resolve looks for idle episodes (AUTO_RESOLVE_INTERVAL_MS); only with a store that has resolveIdle. */
  autoResolveIntervalMs?: number;
}

const resolvesIdle = (store: AlertWriter): store is AlertWriter & IdleResolver => 'resolveIdle' in store;

/** Consumer group of all processors unless configured otherwise: they share the event partitions. */
export const DEFAULT_GROUP_ID = 'vigil-processor';

/** The group of stage two (the repartition topic) beside a processor group. */
export const keyedGroupId = (groupId: string): string => `${groupId}-keyed`;

/**
 * Event time a new owner of a partition replays to rebuild window state: the longest count, distinct or
 * sequence window, sustained run or absence duration of the enabled rules, plus the allowed lateness. An
 * absence rule needs its keys' last events: a key silent longer than that has fired already. Z-score
 * baselines are not replayed (30 min would be too costly): after a takeover they relearn, and fire only once
 * enough baseline is back.
 */
export function replayWindowMs(rules: readonly Rule[]): number {
  let longest = 0;
  for (const rule of rules) {
    if (!rule.enabled) continue;
    if (rule.kind === 'count' || rule.kind === 'distinct' || rule.kind === 'sequence')
      longest = Math.max(longest, rule.windowMs);
    if (rule.kind === 'absence') longest = Math.max(longest, rule.durationMs);
    if (rule.kind === 'sustained')
      longest = Math.max(longest, rule.durationMs + (rule.maxGapMs ?? rule.durationMs));
  }
  return longest === 0 ? 0 : longest + RULE_ENGINE_DEFAULTS.allowedLatenessMs;
}

/** What the event processor derives from a rule set: the engines of both stages, the plan, the windows. */
function ruleSetOf(rules: readonly Rule[], now: () => number, override?: () => RuleEvaluator): RuleSet {
  const plan = planRepartition(rules);
  const resolveAfter = new Map(rules.map((rule) => [rule.id, rule.resolveAfterMs]));
  return {
    createEngine: override ?? (() => createRuleEngine({ rules: plan.perEvent, now })),
    repartition: {
      plan,
      createEngine: (space) => createRuleEngine({ rules: space.rules, now }),
      replayMs: replayWindowMs(rules),
    },
    // A rule no longer loaded (its episodes outlive it) gets the shortest default.
    resolveAfterMs: (ruleId) => resolveAfter.get(ruleId) ?? RULE_DEFAULTS.minResolveAfterMs,
  };
}

/**
 * Builds the rule engines and the event processor over already-started adapters: stage one runs the
 * per-event rules on the event topics, stage two the windowed rules on the repartition topic, one engine
 * per key space and partition (README "Exact windows").
 */
export function createProcessorService(options: ProcessorServiceOptions) {
  const now = options.now ?? Date.now;
  const metrics = createProcessorMetrics(options.registry);
  const logger = options.logger.child({ module: 'processor' });
  const groupId = options.groupId ?? DEFAULT_GROUP_ID;
  const ruleSet = ruleSetOf(options.rules, now, options.createEngine);
  const processor = createEventProcessor({
    bus: options.bus,
    archive: options.archive,
    store: options.store,
    createEngine: ruleSet.createEngine,
    repartition: {
      topic: options.topics.repartition,
      groupId: keyedGroupId(groupId),
      ...ruleSet.repartition!,
    },
    logger,
    metrics,
    now,
    groupId,
    topics: Object.values(options.topics.events),
    alertsTopic: options.topics.alerts,
    dlqTopic: options.topics.dlq,
    archiveLimits: options.archiveLimits,
    replayMs: 0, // stage one runs the per-event rules only: it keeps no window
    stallAfterMs: options.stallAfterMs,
    onFatal: options.onFatal,
    resolveAfterMs: ruleSet.resolveAfterMs,
  });
  const showVersions = (rules: readonly Rule[]): void => {
    metrics.ruleVersion.reset();
    for (const rule of rules)
      metrics.ruleVersion.set({ rule: rule.id }, rule.enabled ? ruleVersionOf(rule) : 0);
  };
  showVersions(options.rules);
  /** Puts a new rule set in force without a restart (README "Hot reload"). */
  const reload = (rules: readonly Rule[]): void => {
    processor.reload(ruleSetOf(rules, now, options.createEngine));
    showVersions(rules);
    metrics.rulesReloaded.inc();
  };
  const store = options.store;
  if (!resolvesIdle(store)) return { processor: { ...processor, reload }, metrics };
  const autoResolve = createAutoResolve({
    store,
    bus: options.bus,
    alertsTopic: options.topics.alerts,
    metrics,
    logger: logger.child({ module: 'auto-resolve' }),
    now,
    streamTimes: () => processor.streamTimes(),
    retry: processor.retry,
    marks: processor.marks,
    intervalMs: options.autoResolveIntervalMs,
  });
  // Auto-resolve runs beside the consumer: started after it, stopped before it drains.
  return {
    processor: {
      ...processor,
      reload,
      async start() {
        await processor.start();
        autoResolve.start();
      },
      async stop() {
        await autoResolve.stop();
        await processor.stop();
      },
      /** One auto-resolve pass now (tests). */
      resolveIdle: () => autoResolve.runOnce(),
    },
    metrics,
  };
}
