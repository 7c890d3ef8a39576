import type { NotificationStore } from '@vigil/db/notifications';
import { createWakeableLoop } from '../schedule/wakeable-loop.ts';
import { type DeliverOptions, deliver } from './deliver.ts';

/**
 * Claims due notifications (leases, SKIP LOCKED: any number of notifiers share the outbox) and sends up to
 * `concurrency` at a time; sleeps `pollMs` when nothing is due, or until woken by the scheduler. A lease
 * must outlast a send (`leaseMs` > the send timeout): a notifier that dies mid-send leaves its rows to be
 * claimed again when their lease expires.
 */
export function createDeliveryWorker(
  options: DeliverOptions & {
    store: Pick<NotificationStore, 'claimNotifications' | 'completeAttempt' | 'deferNotification'>;
    leaseMs: number;
    concurrency: number;
    pollMs: number;
  },
) {
  return createWakeableLoop({
    name: 'delivery',
    logger: options.logger,
    onError: () => options.metrics.storeErrors.inc({ operation: 'delivery' }),
    async step() {
      const claimed = await options.store.claimNotifications({
        owner: options.owner,
        now: options.now(),
        limit: options.concurrency,
        leaseMs: options.leaseMs,
      });
      if (claimed.length === 0) return options.pollMs;
      // One failing record does not stop the others; its lease expires and it is claimed again.
      const settled = await Promise.allSettled(claimed.map((c) => deliver(options, c)));
      for (const s of settled) if (s.status === 'rejected') throw s.reason;
      return 0;
    },
  });
}
