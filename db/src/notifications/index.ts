// @vigil/db/notifications: channels, the routing policy, notification groups and the outbox (migration 0011).
export { DEFAULT_FAILING_AFTER } from './delivery-log.ts';
export { DEFAULT_FLUSH_LIMIT } from './group-flush.ts';
export { createNotificationStore, type NotificationStoreOptions } from './notification-store.ts';
export type * from './notification-store-port.ts';
export { MAX_ERROR_CHARS } from './outbox.ts';
