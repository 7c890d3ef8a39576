import type { Alert } from '@vigil/core';
import { publishForRequest } from './bus-publish.ts';
import type { EventPublisher } from './http-ports.ts';

/** Publishes alerts a request changed, in their full state, where the processor publishes episodes. */
export type AlertChangePublisher = (alerts: readonly Alert[]) => Promise<void>;

export interface AlertChangesOptions {
  bus: EventPublisher;
  /** The alerts topic (one partition: its offset is every gateway's cursor). */
  topic: string;
  now: () => number;
  /**
   * Records the published revisions (@vigil/db markPublished), so the processor's unpublished-change sweep
   * leaves them alone; it only repairs a change whose publish never happened (a crash after the commit).
   */
  markPublished?: (published: { id: string; revision: number }[], publishedAt: string) => Promise<void>;
  /** A failed mark is only logged: the change is on the bus, the sweep at worst publishes it once more. */
  onMarkFailed?: (err: unknown) => void;
}

/**
 * The same record the processor publishes for an episode it changed (processor publishEpisodes): the whole
 * alert with `publishedAt` now and no key. Every gateway's feed reads it, and since its revision is above 1
 * fans it out as an `update` frame, live and to clients resuming from an older cursor. Publishing an
 * unchanged alert again is harmless (gateways drop a repeated id and revision), which is what makes a
 * retried request repair a publish that failed after the change was stored.
 */
export function createAlertChanges(options: AlertChangesOptions): AlertChangePublisher {
  return async (alerts) => {
    if (alerts.length === 0) return;
    const publishedAt = new Date(options.now()).toISOString();
    await publishForRequest(
      options.bus,
      options.topic,
      alerts.map((alert) => ({ key: null, value: JSON.stringify({ ...alert, publishedAt }) })),
    );
    const published = alerts.map((alert) => ({ id: alert.id, revision: alert.revision ?? 1 }));
    await options
      .markPublished?.(published, publishedAt)
      .catch((err: unknown) => options.onMarkFailed?.(err));
  };
}
