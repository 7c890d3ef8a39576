import type { ChannelType } from '@vigil/core/notifications';
import { createDiscordSender } from './discord-sender.ts';
import { createEmailSender } from './email-sender.ts';
import { createPagerDutySender } from './pagerduty-sender.ts';
import type { Sender } from './sender.ts';
import { createSlackSender } from './slack-sender.ts';
import { createWebhookSender } from './webhook-sender.ts';

/** One sender per channel type. */
export type Senders = Record<ChannelType, Sender>;

export function createSenders(options: { now: () => number }): Senders {
  return {
    webhook: createWebhookSender(options),
    slack: createSlackSender(options),
    discord: createDiscordSender(options),
    email: createEmailSender(),
    pagerduty: createPagerDutySender(options),
  };
}
