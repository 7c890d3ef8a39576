import type { NotificationStore } from '@vigil/db/notifications';

/** The part of @vigil/db's NotificationStore the notification routes use (never `channelForSending`). */
export type HttpNotificationStore = Pick<
  NotificationStore,
  | 'createChannel'
  | 'listChannels'
  | 'getChannel'
  | 'updateChannel'
  | 'deleteChannel'
  | 'getPolicy'
  | 'putPolicy'
  | 'listNotifications'
  | 'channelHealth'
>;

/** What `POST /api/channels/{id}/test` answers: the receiver's reply to one test message. */
export interface ChannelTestAnswer {
  /** sent; failed (refused, unreachable, timed out: a test is never retried). */
  outcome: 'sent' | 'failed';
  ok: boolean;
  /** The receiver's HTTP status; null for email or a network error. */
  statusCode: number | null;
  /** The start of the receiver's answer (ok) or its error text (failed). */
  response: string;
  durationMs: number;
}

/** Sends one test message to a channel now; null when there is no such channel. */
export type ChannelTester = (channelId: string) => Promise<ChannelTestAnswer | null>;

/** The notifications side of the gateway: the store and how to test a channel. */
export interface GatewayNotifications {
  store: HttpNotificationStore;
  test: ChannelTester;
}
