import type { NotificationStore } from '@vigil/db/notifications';
import type { Logger } from 'pino';
import type { NotifierMetrics } from '../metrics/notifier-metrics.ts';
import { createWakeableLoop } from './wakeable-loop.ts';

/** Groups flushed per transaction: short transactions; a full batch means more are due, so it goes on at once. */
export const FLUSH_BATCH = 50;

/**
 * Flushes due groups into the outbox: as soon as one is due (it sleeps until the earliest due time, at most
 * `pollMs`, so groups another notifier routed are seen too), and at once when woken by new routing.
 * `onWritten` is told when notifications were written (the delivery worker wakes).
 */
export function createFlushScheduler(options: {
  store: Pick<NotificationStore, 'flushDueGroups' | 'nextFlushAt'>;
  now: () => number;
  pollMs: number;
  logger: Logger;
  metrics: NotifierMetrics;
  onWritten: () => void;
}) {
  return createWakeableLoop({
    name: 'flush',
    logger: options.logger,
    onError: () => options.metrics.storeErrors.inc({ operation: 'flush' }),
    async step() {
      const result = await options.store.flushDueGroups({ now: options.now(), limit: FLUSH_BATCH });
      if (result.notifications > 0) options.onWritten();
      if (result.groups === FLUSH_BATCH) return 0;
      const next = await options.store.nextFlushAt();
      return next === null ? options.pollMs : Math.min(options.pollMs, Math.max(1, next - options.now()));
    },
  });
}
