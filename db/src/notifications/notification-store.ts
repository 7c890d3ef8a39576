import type { VigilDatabase } from '../database.ts';
import { guardOutage } from '../db-errors.ts';
import { createChannelStore } from './channel-store.ts';
import { createDeliveryLog } from './delivery-log.ts';
import { flushDueGroups, nextFlushAt } from './group-flush.ts';
import { ingestAlerts } from './group-ingest.ts';
import type { NotificationStore } from './notification-store-port.ts';
import { createOutbox } from './outbox.ts';
import { createPolicyStore } from './policy-store.ts';

export interface NotificationStoreOptions {
  db: VigilDatabase;
  /** Named in UnavailableError messages; never a URL with a password. */
  target?: string;
}

/** The notification store over Drizzle; every function turns an outage into UnavailableError (retriable). */
export function createNotificationStore(options: NotificationStoreOptions): NotificationStore {
  const { db } = options;
  const target = options.target ?? 'the database';
  const parts: NotificationStore = {
    ...createChannelStore(db),
    ...createPolicyStore(db),
    ...createOutbox(db),
    ...createDeliveryLog(db),
    ingestAlerts: (alerts, now) => ingestAlerts(db, alerts, now),
    flushDueGroups: (flush) => flushDueGroups(db, flush),
    nextFlushAt: () => nextFlushAt(db),
  };
  const guarded = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(parts) as [string, (...args: unknown[]) => Promise<unknown>][])
    guarded[name] = (...args: unknown[]) => guardOutage(`notifications.${name}`, target, () => fn(...args));
  return guarded as unknown as NotificationStore;
}
