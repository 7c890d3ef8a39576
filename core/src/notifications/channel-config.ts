import { checkKnownKeys, checkText, FieldProblems, isRecord } from './field-problems.ts';

/** Where a notification can go (DESIGN "notifications" row). */
export const CHANNEL_TYPES = ['webhook', 'slack', 'discord', 'email', 'pagerduty'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** What a redacted secret reads as; sending it back on update keeps the stored secret. */
export const REDACTED = '[redacted]';

/** Longest URL a channel takes: webhook URLs are short; a pasted document is a mistake. */
const MAX_URL = 2_048;
/** Custom headers of a webhook: enough for auth and tracing, not a way to smuggle a body. */
const MAX_HEADERS = 20;
/** Recipients of one email channel: a team list belongs in a mailing list, not here. */
const MAX_RECIPIENTS = 50;
const MAX_TEXT = 200;
/** PagerDuty integration keys are 32 characters; allow some room for other Events v2 receivers. */
const MAX_ROUTING_KEY = 128;

export interface WebhookConfig {
  url: string;
  /** HMAC-SHA256 key: the body's signature goes in `signatureHeader` as `sha256=<hex>`. Secret. */
  secret?: string;
  /** Default `X-Vigil-Signature`. */
  signatureHeader?: string;
  /** Extra request headers; values of auth-like names (authorization, *token*, *key*, *secret*) are secret. */
  headers?: Record<string, string>;
}
export interface SlackConfig {
  /** The incoming-webhook URL (it holds Slack's token: secret). */
  url: string;
}
export interface DiscordConfig {
  /** The webhook URL `https://discord.com/api/webhooks/{id}/{token}` (secret). */
  url: string;
  /** Overrides the webhook's default name. */
  username?: string;
}
export interface EmailConfig {
  host: string;
  /** Default 587 (465 when `secure`). */
  port?: number;
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure?: boolean;
  /** Refuse to send unless STARTTLS succeeds. */
  requireTls?: boolean;
  auth?: { user: string; pass: string };
  from: string;
  to: string[];
}
export interface PagerDutyConfig {
  /** The Events API v2 integration key (secret). */
  routingKey: string;
  /** Default https://events.pagerduty.com/v2/enqueue (a proxy or a test receiver may replace it). */
  url?: string;
  /** `payload.source`; default `vigil`. */
  source?: string;
}

export interface ChannelConfigs {
  webhook: WebhookConfig;
  slack: SlackConfig;
  discord: DiscordConfig;
  email: EmailConfig;
  pagerduty: PagerDutyConfig;
}
export type ChannelConfig = ChannelConfigs[ChannelType];

export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';
export const DEFAULT_SIGNATURE_HEADER = 'X-Vigil-Signature';

const SECRET_HEADER = /authorization|cookie|token|secret|key|password/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
// A header value: visible ASCII and spaces, no CR/LF (header injection).
const HEADER_VALUE = /^[\t\x20-\x7e]{0,1000}$/;
// Headers the sender sets itself: a channel overriding them would break the request.
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
]);
const EMAIL = /^[^\s@<>",;]{1,64}@[^\s@<>",;]{1,255}$/;

function checkUrl(problems: FieldProblems, field: string, value: unknown): void {
  if (!checkText(problems, field, value, { max: MAX_URL })) return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.add(field, 'not a valid URL');
    return;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') problems.add(field, 'expected an http(s) URL');
}

function checkOptionalText(problems: FieldProblems, field: string, value: unknown): void {
  if (value !== undefined) checkText(problems, field, value, { max: MAX_TEXT });
}

type Checker = (problems: FieldProblems, config: Record<string, unknown>) => void;

const checkers: Record<ChannelType, { fields: readonly string[]; check: Checker }> = {
  webhook: {
    fields: ['url', 'secret', 'signatureHeader', 'headers'],
    check(problems, config) {
      checkUrl(problems, 'config.url', config.url);
      if (config.secret !== undefined) checkText(problems, 'config.secret', config.secret, { max: 500 });
      if (config.signatureHeader !== undefined && !HEADER_NAME.test(String(config.signatureHeader)))
        problems.add('config.signatureHeader', 'expected an HTTP header name');
      if (config.headers === undefined) return;
      if (!isRecord(config.headers)) {
        problems.add('config.headers', 'expected an object of strings');
        return;
      }
      const entries = Object.entries(config.headers);
      if (entries.length > MAX_HEADERS) problems.add('config.headers', `at most ${MAX_HEADERS} headers`);
      for (const [name, value] of entries) {
        const field = `config.headers.${name}`;
        if (!HEADER_NAME.test(name)) problems.add(field, 'not an HTTP header name');
        else if (RESERVED_HEADERS.has(name.toLowerCase())) problems.add(field, 'set by Vigil itself');
        else if (typeof value !== 'string' || !HEADER_VALUE.test(value))
          problems.add(field, 'expected printable ASCII without line breaks (≤ 1000 characters)');
      }
    },
  },
  slack: {
    fields: ['url'],
    check: (problems, config) => checkUrl(problems, 'config.url', config.url),
  },
  discord: {
    fields: ['url', 'username'],
    check(problems, config) {
      checkUrl(problems, 'config.url', config.url);
      checkOptionalText(problems, 'config.username', config.username);
    },
  },
  email: {
    fields: ['host', 'port', 'secure', 'requireTls', 'auth', 'from', 'to'],
    check(problems, config) {
      checkText(problems, 'config.host', config.host, { max: 255 });
      const port = config.port;
      if (port !== undefined && !(Number.isInteger(port) && (port as number) > 0 && (port as number) < 65536))
        problems.add('config.port', 'expected a port number from 1 to 65535');
      for (const flag of ['secure', 'requireTls'] as const) {
        if (config[flag] !== undefined && typeof config[flag] !== 'boolean')
          problems.add(`config.${flag}`, 'expected true or false');
      }
      if (config.auth !== undefined) {
        if (!isRecord(config.auth)) problems.add('config.auth', 'expected {"user","pass"}');
        else {
          checkKnownKeys(problems, 'config.auth', config.auth, ['user', 'pass']);
          checkText(problems, 'config.auth.user', config.auth.user, { max: MAX_TEXT });
          checkText(problems, 'config.auth.pass', config.auth.pass, { max: 500 });
        }
      }
      if (!(typeof config.from === 'string' && EMAIL.test(config.from)))
        problems.add('config.from', 'expected an email address');
      const to = config.to;
      if (!Array.isArray(to) || to.length === 0 || to.length > MAX_RECIPIENTS)
        problems.add('config.to', `expected 1–${MAX_RECIPIENTS} email addresses`);
      else
        to.forEach((address, i) => {
          if (!(typeof address === 'string' && EMAIL.test(address)))
            problems.add(`config.to[${i}]`, 'expected an email address');
        });
    },
  },
  pagerduty: {
    fields: ['routingKey', 'url', 'source'],
    check(problems, config) {
      checkText(problems, 'config.routingKey', config.routingKey, { max: MAX_ROUTING_KEY });
      if (config.url !== undefined) checkUrl(problems, 'config.url', config.url);
      checkOptionalText(problems, 'config.source', config.source);
    },
  },
};

export const isChannelType = (value: unknown): value is ChannelType =>
  typeof value === 'string' && (CHANNEL_TYPES as readonly string[]).includes(value);

/** Adds the problems of one type's config to `problems` (field paths start at `config.`). */
export function checkChannelConfig(problems: FieldProblems, type: ChannelType, config: unknown): void {
  if (!isRecord(config)) {
    problems.add('config', 'expected an object');
    return;
  }
  const { fields, check } = checkers[type];
  checkKnownKeys(problems, 'config', config, fields);
  check(problems, config);
}

/** Throws a ValidationError listing every problem of a channel config by field; returns it typed. */
export function parseChannelConfig<T extends ChannelType>(type: T, config: unknown): ChannelConfigs[T] {
  const problems = new FieldProblems();
  checkChannelConfig(problems, type, config);
  problems.throwIfAny(`${type} channel config`);
  return config as ChannelConfigs[T];
}

/** Secret values of a config by path: what redaction hides and an update may send back as REDACTED. */
export function secretPaths(type: ChannelType, config: ChannelConfig): string[][] {
  switch (type) {
    case 'webhook': {
      const c = config as WebhookConfig;
      const headers = Object.keys(c.headers ?? {}).filter((name) => SECRET_HEADER.test(name));
      return [...(c.secret === undefined ? [] : [['secret']]), ...headers.map((name) => ['headers', name])];
    }
    case 'slack':
    case 'discord':
      return [['url']];
    case 'email':
      return (config as EmailConfig).auth ? [['auth', 'pass']] : [];
    case 'pagerduty':
      return [['routingKey']];
  }
}

const getPath = (value: unknown, path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (isRecord(v) ? v[key] : undefined), value);

function withPath(value: unknown, path: string[], replacement: unknown): unknown {
  if (path.length === 0 || !isRecord(value)) return path.length === 0 ? replacement : value;
  const [head, ...rest] = path as [string, ...string[]];
  if (!(head in value)) return value;
  return { ...value, [head]: withPath(value[head], rest, replacement) };
}

/** The config as the API shows it: every secret replaced by REDACTED. Never log a config that is not redacted. */
export function redactChannelConfig<T extends ChannelConfig>(type: ChannelType, config: T): T {
  let out: unknown = config;
  for (const path of secretPaths(type, config)) out = withPath(out, path, REDACTED);
  return out as T;
}

/**
 * An update's config with every secret sent back as REDACTED replaced by the stored value, so a client that
 * read a redacted channel can save it unchanged. A REDACTED secret the stored config lacks stays REDACTED
 * (and is then a plain string the receiver will refuse; validation cannot know it was meant as a secret).
 */
export function restoreRedactedSecrets(
  type: ChannelType,
  next: ChannelConfig,
  stored: ChannelConfig,
): ChannelConfig {
  let out: unknown = next;
  for (const path of secretPaths(type, next)) {
    if (getPath(next, path) !== REDACTED) continue;
    const previous = getPath(stored, path);
    if (previous !== undefined) out = withPath(out, path, previous);
  }
  return out as ChannelConfig;
}
