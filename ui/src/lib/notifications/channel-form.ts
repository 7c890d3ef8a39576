import { type ChannelType, REDACTED } from '@vigil/core/notifications';

/** One config field of a channel type as the form shows it; `secret` fields read as set/unset. */
export interface ConfigField {
  key: string;
  label: string;
  kind: 'text' | 'number' | 'boolean' | 'list' | 'headers';
  required?: boolean;
  secret?: boolean;
  placeholder?: string;
}

/** The form's fields per channel type (core's channel-config.ts; email's auth is two flat fields here). */
export const CONFIG_FIELDS: Record<ChannelType, ConfigField[]> = {
  webhook: [
    { key: 'url', label: 'URL', kind: 'text', required: true, placeholder: 'https://example.com/hook' },
    { key: 'secret', label: 'HMAC secret', kind: 'text', secret: true },
    { key: 'signatureHeader', label: 'Signature header', kind: 'text', placeholder: 'X-Vigil-Signature' },
    { key: 'headers', label: 'Headers (Name: value, one a line)', kind: 'headers' },
  ],
  slack: [{ key: 'url', label: 'Incoming-webhook URL', kind: 'text', required: true, secret: true }],
  discord: [
    { key: 'url', label: 'Webhook URL', kind: 'text', required: true, secret: true },
    { key: 'username', label: 'Username', kind: 'text' },
  ],
  email: [
    { key: 'host', label: 'SMTP host', kind: 'text', required: true },
    { key: 'port', label: 'Port', kind: 'number', placeholder: '587' },
    { key: 'secure', label: 'TLS from the start (465)', kind: 'boolean' },
    { key: 'requireTls', label: 'Require STARTTLS', kind: 'boolean' },
    { key: 'authUser', label: 'User', kind: 'text' },
    { key: 'authPass', label: 'Password', kind: 'text', secret: true },
    { key: 'from', label: 'From', kind: 'text', required: true },
    { key: 'to', label: 'To (comma-separated)', kind: 'list', required: true },
  ],
  pagerduty: [
    { key: 'routingKey', label: 'Routing key', kind: 'text', required: true, secret: true },
    { key: 'url', label: 'Events URL', kind: 'text', placeholder: 'https://events.pagerduty.com/v2/enqueue' },
    { key: 'source', label: 'Source', kind: 'text', placeholder: 'vigil' },
  ],
};

/** What the form holds: every field as text or a flag; a secret left as REDACTED keeps the stored value. */
export interface ChannelForm {
  id: string | null;
  name: string;
  type: ChannelType;
  enabled: boolean;
  values: Record<string, string>;
  flags: Record<string, boolean>;
}

export const emptyChannelForm = (type: ChannelType = 'webhook'): ChannelForm => ({
  id: null,
  name: '',
  type,
  enabled: true,
  values: {},
  flags: {},
});

/** The form for editing a channel as the API read it (secrets REDACTED: shown as "set"). */
export function channelFormOf(channel: {
  id: string;
  name: string;
  type: ChannelType;
  enabled: boolean;
  config: Record<string, unknown>;
}): ChannelForm {
  const config = { ...channel.config };
  const auth = config.auth as { user?: string; pass?: string } | undefined;
  if (auth) Object.assign(config, { authUser: auth.user, authPass: auth.pass });
  const form = {
    ...emptyChannelForm(channel.type),
    id: channel.id,
    name: channel.name,
    enabled: channel.enabled,
  };
  for (const field of CONFIG_FIELDS[channel.type]) {
    const value = config[field.key];
    if (value === undefined) continue;
    if (field.kind === 'boolean') form.flags[field.key] = value === true;
    else if (field.kind === 'list') form.values[field.key] = (value as string[]).join(', ');
    else if (field.kind === 'headers')
      form.values[field.key] = Object.entries(value as Record<string, string>)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
    else form.values[field.key] = String(value);
  }
  return form;
}

/** Whether a secret field holds the stored (redacted) value: shown as "set", left untouched on save. */
export const isStoredSecret = (value: string | undefined) => value === REDACTED;

/** The body of POST/PUT /api/channels from the form; the gateway validates it (problems by field). */
export function channelBody(form: ChannelForm) {
  const config: Record<string, unknown> = {};
  for (const field of CONFIG_FIELDS[form.type]) {
    if (field.kind === 'boolean') {
      if (form.flags[field.key]) config[field.key] = true;
      continue;
    }
    const raw = (form.values[field.key] ?? '').trim();
    if (raw === '') continue;
    if (field.kind === 'number') config[field.key] = Number(raw);
    else if (field.kind === 'list')
      config[field.key] = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (field.kind === 'headers') {
      const headers: Record<string, string> = {};
      for (const line of raw.split('\n')) {
        const at = line.indexOf(':');
        if (at > 0) headers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
      }
      config[field.key] = headers;
    } else config[field.key] = raw;
  }
  if ('authUser' in config || 'authPass' in config) {
    config.auth = { user: config.authUser ?? '', pass: config.authPass ?? '' };
    delete config.authUser;
    delete config.authPass;
  }
  return { name: form.name.trim(), type: form.type, enabled: form.enabled, config };
}
