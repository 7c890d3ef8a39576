import type { Alert, Bus, Source } from '@vigil/core';
import type { Logger } from 'pino';
import type { ProcessorMetrics } from '../metrics/processor-metrics.ts';
import { publishEpisodes, type Retry } from './alert-output.ts';
import type { PublishMarks } from './publish-marks.ts';

/** What auto-resolve needs from the alert store (@vigil/db resolveIdle, refreshSilenced). */
export interface IdleResolver {
  resolveIdle(options: {
    now: number;
    streamTimes?: Partial<Record<Source, number>>;
    limit?: number;
  }): Promise<Alert[]>;
  /** The silence sweep; a store without silences (test doubles) leaves it out. */
  refreshSilenced?(options: { now: number; limit?: number }): Promise<Alert[]>;
  /** Stored changes no publish was marked for (@vigil/db); a store without it (test doubles) leaves it out. */
  unpublishedChanges?(limit?: number): Promise<Alert[]>;
}

/** How often the loop looks: an episode resolves at most this late after its resolveAfterMs (≥ 5 min). */
export const AUTO_RESOLVE_INTERVAL_MS = 10_000;
/** Episodes one pass resolves and publishes at most; a pass that hits it goes on at once. */
export const AUTO_RESOLVE_BATCH = 500;

export interface AutoResolveOptions {
  store: IdleResolver;
  bus: Bus;
  alertsTopic: string;
  metrics: ProcessorMetrics;
  logger: Logger;
  now: () => number;
  /** Per source, the event time the processor has read up to (the event-time half of auto-resolve). */
  streamTimes: () => Partial<Record<Source, number>>;
  retry: Retry;
  /** Where what was published is marked in the store (the processor's publish-marks.ts). */
  marks: Pick<PublishMarks, 'mark'>;
  intervalMs?: number;
}

/**
 * Auto-resolve on a wall-clock interval, then the silence sweep in the same pass: unresolved episodes whose
 * silencedBy no longer fits the silences active now (one started or ended by the clock) are updated and
 * published the same way, so dashboards see a silence take effect or end within one interval. Resolving
 * first means an episode resolved in this pass keeps the silencedBy it resolved with.
 *
 * Auto-resolve: episodes whose rule has not fired for their key for resolveAfterMs,
 * by stream time or by idleness of the row (a source that stopped altogether), are resolved by "system" and
 * published as updates. Every processor may run it: `UPDATE … WHERE status <> 'resolved' … SKIP LOCKED
 * RETURNING` gives each resolution to one of them, and only that one publishes it, retrying the publish
 * like any other. A pass whose resolveIdle fails (the database is down) is logged and counted, and the next
 * tick tries again.
 *
 * Last, the unpublished-change sweep: a change stored but never published (a processor or gateway crashed
 * between its commit and its publish) would reach live clients only at the episode's next change. Each pass
 * reads the rows whose revision is above the one last marked published and publishes those it already saw,
 * at the same revision, one pass earlier: a change younger than one interval is still being published by
 * whoever made it. Several processors may publish the same repair; gateways drop a repeated revision.
 */
export function createAutoResolve(options: AutoResolveOptions) {
  const { logger } = options;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  /** Unpublished revisions seen by the previous pass, by alert id. */
  let unpublishedBefore = new Map<string, number>();

  /** Runs `step` until it returns less than a batch, publishing what each call changed. */
  async function drain(step: (now: number) => Promise<Alert[]>, each: (episode: Alert) => void) {
    let total = 0;
    for (;;) {
      const now = options.now();
      const changed = await step(now);
      await publishEpisodes(options, changed, now, options.retry);
      changed.forEach(each);
      total += changed.length;
      if (changed.length < AUTO_RESOLVE_BATCH) return total;
    }
  }

  async function pass(): Promise<{ resolved: number; silenced: number; republished: number }> {
    const { store } = options;
    const resolved = await drain(
      (now) => store.resolveIdle({ now, streamTimes: options.streamTimes(), limit: AUTO_RESOLVE_BATCH }),
      (episode) => options.metrics.episodes.inc({ rule: episode.ruleId, outcome: 'resolved' }),
    );
    const refresh = store.refreshSilenced?.bind(store);
    const silenced = refresh
      ? await drain(
          (now) => refresh({ now, limit: AUTO_RESOLVE_BATCH }),
          () => {},
        )
      : 0;
    return { resolved, silenced, republished: await republish() };
  }

  /** Publishes the changes the previous pass saw unpublished at the same revision (see above). */
  async function republish(): Promise<number> {
    if (!options.store.unpublishedChanges) return 0;
    const changes = await options.store.unpublishedChanges(AUTO_RESOLVE_BATCH);
    const due = changes.filter((a) => unpublishedBefore.get(a.id) === (a.revision ?? 1));
    unpublishedBefore = new Map(
      changes.filter((a) => !due.includes(a)).map((a) => [a.id, a.revision ?? 1] as const),
    );
    await publishEpisodes(options, due, options.now(), options.retry);
    for (const episode of due) options.metrics.episodes.inc({ rule: episode.ruleId, outcome: 'republished' });
    return due.length;
  }

  const tick = (): Promise<void> => {
    running ??= pass()
      .then(({ resolved, silenced, republished }) => {
        if (resolved > 0) logger.info({ resolved }, 'episodes auto-resolved');
        if (silenced > 0) logger.info({ changed: silenced }, 'silenced episodes refreshed');
        if (republished > 0) logger.warn({ republished }, 'published changes a crash had left unpublished');
      })
      .catch((err: unknown) => {
        // The changes are in the rows or not at all: the next tick makes them, and a publish lost after the
        // commit is repaired by the unpublished-change sweep of a later pass.
        options.metrics.retries.inc({ operation: 'store.resolveIdle' });
        logger.warn({ err }, 'auto-resolve pass failed');
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  return {
    /** Runs one pass now (tests, and the first pass at start). */
    runOnce: tick,
    start(): void {
      timer ??= setInterval(tick, options.intervalMs ?? AUTO_RESOLVE_INTERVAL_MS);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
