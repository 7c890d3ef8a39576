import type { NotificationStore } from '@vigil/db/notifications';
import type { Logger } from 'pino';
import type { GatewayNotifications } from './notification-ports.ts';
import { notifierChannelTester } from './notifier-channel-tester.ts';

/** What main.ts and the embedded app hand the gateway: the database's notification store and its tester. */
export function createGatewayNotifications(options: {
  store: NotificationStore;
  /** The dashboard's URL (VIGIL_PUBLIC_URL), for the test message's link; a function when known only once listening. */
  publicUrl: string | (() => string);
  logger: Logger;
}): GatewayNotifications {
  return { store: options.store, test: notifierChannelTester(options) };
}
