import type { Alert, Bus, Source } from '@vigil/core';
import type { Logger } from 'pino';
import type { ProcessorMetrics } from '../metrics/processor-metrics.ts';
import { type EpisodeWriter, publishEpisodes, type Retry } from './alert-output.ts';

/** What auto-resolve needs from the alert store (@vigil/db resolveIdle, refreshSilenced). */
export interface IdleResolver extends Pick<EpisodeWriter, 'markPublished'> {
  resolveIdle(options: {
    now: number;
    streamTimes?: Partial<Record<Source, number>>;
    limit?: number;
  }): Promise<Alert[]>;
  /** The silence sweep; a store without silences (test doubles) leaves it out. */
  refreshSilenced?(options: { now: number; limit?: number }): Promise<Alert[]>;
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
  background: (what: string, op: () => Promise<void>) => void;
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
 * tick tries again. A crash between the resolving commit and its publish leaves that update unpublished: the
 * rows and REST say resolved, live clients learn it at the episode's next change or on reload.
 */
export function createAutoResolve(options: AutoResolveOptions) {
  const { logger } = options;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

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

  async function pass(): Promise<{ resolved: number; silenced: number }> {
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
    return { resolved, silenced };
  }

  const tick = (): Promise<void> => {
    running ??= pass()
      .then(({ resolved, silenced }) => {
        if (resolved > 0) logger.info({ resolved }, 'episodes auto-resolved');
        if (silenced > 0) logger.info({ changed: silenced }, 'silenced episodes refreshed');
      })
      .catch((err: unknown) => {
        // The changes are in the rows or not at all: the next tick makes them (a publish lost after the
        // commit is not repeated: the rows and REST have the change, live clients get it at the next one).
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
