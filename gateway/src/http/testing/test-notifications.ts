import { createNotificationStore, type NotificationStore } from '@vigil/db/notifications';
import type { ChannelTestAnswer, GatewayNotifications } from '../../notifications/notification-ports.ts';
import { openTestDatabase } from './test-alert-store.ts';

const METHODS = [
  'createChannel',
  'listChannels',
  'getChannel',
  'updateChannel',
  'deleteChannel',
  'getPolicy',
  'putPolicy',
  'listNotifications',
  'channelHealth',
  'channelForSending',
  'createTestNotification',
  'completeAttempt',
] as const satisfies readonly (keyof NotificationStore)[];
type TestStore = Pick<NotificationStore, (typeof METHODS)[number]>;

let shared: Promise<NotificationStore> | undefined;
/** The notification store of the file's shared test database (test-alert-store.ts), opened on first use. */
export function testNotificationStore(): TestStore {
  const store = () => {
    shared ??= openTestDatabase().then((d) => createNotificationStore({ db: d.db, target: d.target }));
    return shared;
  };
  const lazy: Record<string, unknown> = {};
  for (const name of METHODS)
    lazy[name] = async (...args: unknown[]) =>
      ((await store())[name] as (...a: unknown[]) => Promise<unknown>)(...args);
  return lazy as unknown as TestStore;
}

/** The answer the fixture's tester gives: a receiver that took the message. */
export const TEST_ANSWER: ChannelTestAnswer = {
  outcome: 'sent',
  ok: true,
  statusCode: 200,
  response: 'ok',
  durationMs: 3,
};

/** The store above, with a tester that answers `answer` for any channel the store has (no network). */
export function testNotifications(answer: ChannelTestAnswer = TEST_ANSWER): GatewayNotifications {
  const store = testNotificationStore();
  return {
    store,
    test: async (id) => ((await store.getChannel(id)) ? answer : null),
  };
}
