import { type ChannelConfig, type ChannelType, checkChannelConfig, isChannelType } from './channel-config.ts';
import { checkKnownKeys, checkText, FieldProblems, isRecord } from './field-problems.ts';

/** Longest channel name: a label in a list, not a description. */
export const MAX_CHANNEL_NAME = 100;

/** The body of `POST /api/channels` and `PUT /api/channels/{id}`. */
export interface ChannelInput {
  name: string;
  type: ChannelType;
  config: ChannelConfig;
  /** Default true; a disabled channel is routed to but sends nothing (its groups keep their state). */
  enabled?: boolean;
}

/** A channel as the store returns it: `config` redacted unless read for sending. */
export interface Channel {
  id: string;
  name: string;
  type: ChannelType;
  config: ChannelConfig;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

/**
 * Checks a channel body and returns it typed with `enabled` filled in. Throws a ValidationError whose
 * `details.problems` lists every problem by field (`name`, `type`, `config.url`, `config.to[1]`, …).
 */
export function parseChannelInput(input: unknown): Required<ChannelInput> {
  const problems = new FieldProblems();
  if (!isRecord(input)) {
    problems.add('', 'expected an object {"name","type","config","enabled"?}');
    problems.throwIfAny('channel');
  }
  const body = input as Record<string, unknown>;
  checkKnownKeys(problems, '', body, ['name', 'type', 'config', 'enabled']);
  checkText(problems, 'name', body.name, { max: MAX_CHANNEL_NAME });
  if (body.enabled !== undefined && typeof body.enabled !== 'boolean')
    problems.add('enabled', 'expected true or false');
  if (!isChannelType(body.type)) problems.add('type', 'expected webhook, slack, discord, email or pagerduty');
  else checkChannelConfig(problems, body.type, body.config);
  problems.throwIfAny('channel');
  return {
    name: body.name as string,
    type: body.type as ChannelType,
    config: body.config as ChannelConfig,
    enabled: (body.enabled as boolean | undefined) ?? true,
  };
}
