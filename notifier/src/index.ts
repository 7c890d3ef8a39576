export { type Delivery, DISABLED_RECHECK_MS } from './delivery/deliver.ts';
export { createRateLimiter, DEFAULT_MIN_INTERVALS } from './delivery/rate-limiter.ts';
export { DEFAULT_GIVE_UP_AFTER_MS, decideAfterFailure } from './delivery/retry-decision.ts';
export { sendTestMessage, type TestMessageOptions } from './delivery/send-test-message.ts';
export {
  createNotifierService,
  DEFAULT_NOTIFIER_GROUP_ID,
  NOTIFIER_DEFAULTS,
  type NotifierService,
  type NotifierServiceOptions,
} from './notifier-service.ts';
export { createSenders, type Senders } from './senders/create-senders.ts';
export type { Sender, SendRequest, SendResult } from './senders/sender.ts';
