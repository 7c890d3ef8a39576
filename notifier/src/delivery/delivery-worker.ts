import type { NotificationStore } from '@vigil/db/notifications';
import { createWakeableLoop } from '../schedule/wakeable-loop.ts';
import { type DeliverOptions, deliver } from './deliver.ts';

/**
 * Claims due notifications (leases, SKIP LOCKED: any number of notifiers share the outbox) and keeps up to
 * `concurrency` sends in flight: a finished send frees its slot and wakes the loop to claim the next at once,
 * so one slow receiver does not hold the others' slots until a whole batch is done. Sleeps `pollMs` when
 * nothing is due, or until woken by the scheduler or a finished send. A lease must outlast a send (`leaseMs`
 * > the send timeout): a notifier that dies mid-send leaves its rows to be claimed again when their lease
 * expires.
 */
export function createDeliveryWorker(
  options: DeliverOptions & {
    store: Pick<NotificationStore, 'claimNotifications' | 'completeAttempt' | 'deferNotification'>;
    leaseMs: number;
    concurrency: number;
    pollMs: number;
  },
) {
  const inFlight = new Set<Promise<void>>();
  const loop = createWakeableLoop({
    name: 'delivery',
    logger: options.logger,
    onError: () => options.metrics.storeErrors.inc({ operation: 'delivery' }),
    async step() {
      const free = options.concurrency - inFlight.size;
      if (free <= 0) return options.pollMs; // a finished send wakes the loop
      const claimed = await options.store.claimNotifications({
        owner: options.owner,
        now: options.now(),
        limit: free,
        leaseMs: options.leaseMs,
      });
      for (const notification of claimed) {
        const sending: Promise<void> = deliver(options, notification)
          .then(() => undefined)
          .catch((err: unknown) => {
            // Recording its outcome failed (the database): its lease expires and it is claimed again.
            options.metrics.storeErrors.inc({ operation: 'delivery' });
            options.logger.warn({ err, notification: notification.id }, 'delivery not recorded');
          })
          .finally(() => {
            inFlight.delete(sending);
            loop.wake();
          });
        inFlight.add(sending);
      }
      // Slots left over: nothing more is due now. All taken: wait for one to free up.
      return claimed.length < free ? options.pollMs : 0;
    },
  });
  return {
    start: loop.start,
    wake: loop.wake,
    /** Stops claiming, then waits for the sends in flight to be recorded. */
    async stop(): Promise<void> {
      await loop.stop();
      await Promise.all(inFlight);
    },
  };
}
