import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/vigil-error.ts';
import {
  parseChannelConfig,
  REDACTED,
  redactChannelConfig,
  restoreRedactedSecrets,
} from './channel-config.ts';
import { parseChannelInput } from './channel-input.ts';

const fieldsOf = (run: () => unknown): string[] => {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return ((e as ValidationError).details as { problems: { field: string }[] }).problems.map((p) => p.field);
  }
  return [];
};

describe('parseChannelInput', () => {
  it('fills in enabled and keeps the config', () => {
    expect(
      parseChannelInput({ name: 'ops', type: 'slack', config: { url: 'https://hooks.slack.com/x' } }),
    ).toEqual({
      name: 'ops',
      type: 'slack',
      config: { url: 'https://hooks.slack.com/x' },
      enabled: true,
    });
  });
  it('lists every problem by field', () => {
    expect(fieldsOf(() => parseChannelInput({ name: '', type: 'fax', enabled: 'yes', extra: 1 }))).toEqual([
      'extra',
      'name',
      'enabled',
      'type',
    ]);
    expect(
      fieldsOf(() =>
        parseChannelInput({
          name: 'a',
          type: 'email',
          config: { host: 'smtp', from: 'x', to: ['a@b', 'c'], port: 0 },
        }),
      ),
    ).toEqual(['config.port', 'config.from', 'config.to[1]']);
  });
});

describe('parseChannelConfig', () => {
  it('checks each type for its own fields', () => {
    expect(fieldsOf(() => parseChannelConfig('webhook', { url: 'ftp://x' }))).toEqual(['config.url']);
    expect(fieldsOf(() => parseChannelConfig('pagerduty', {}))).toEqual(['config.routingKey']);
    expect(fieldsOf(() => parseChannelConfig('discord', { url: 'https://d/x', colour: 1 }))).toEqual([
      'config.colour',
    ]);
  });
  it('refuses header injection and headers Vigil sets itself', () => {
    expect(
      fieldsOf(() =>
        parseChannelConfig('webhook', {
          url: 'http://127.0.0.1/x',
          headers: { 'X-Ok': 'fine', 'X-Bad': 'a\r\nInjected: 1', 'Content-Type': 'text/plain' },
        }),
      ),
    ).toEqual(['config.headers.X-Bad', 'config.headers.Content-Type']);
  });
});

describe('redaction', () => {
  it('hides every secret of each type', () => {
    expect(redactChannelConfig('slack', { url: 'https://hooks.slack.com/T/B/secret' })).toEqual({
      url: REDACTED,
    });
    expect(redactChannelConfig('pagerduty', { routingKey: 'k', source: 's' })).toEqual({
      routingKey: REDACTED,
      source: 's',
    });
    expect(
      redactChannelConfig('email', { host: 'h', from: 'a@b', to: ['c@d'], auth: { user: 'u', pass: 'p' } }),
    ).toEqual({ host: 'h', from: 'a@b', to: ['c@d'], auth: { user: 'u', pass: REDACTED } });
    expect(
      redactChannelConfig('webhook', {
        url: 'https://x',
        secret: 's',
        headers: { Authorization: 'Bearer t', 'X-Api-Key': 'k', 'X-Team': 'ops' },
      }),
    ).toEqual({
      url: 'https://x',
      secret: REDACTED,
      headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED, 'X-Team': 'ops' },
    });
  });
  it('leaves the given config untouched', () => {
    const config = { url: 'https://x', secret: 's' };
    redactChannelConfig('webhook', config);
    expect(config.secret).toBe('s');
  });
  it('keeps stored secrets sent back redacted, and takes new ones', () => {
    const stored = { url: 'https://x', secret: 'old', headers: { Authorization: 'Bearer a' } };
    expect(
      restoreRedactedSecrets(
        'webhook',
        { url: 'https://y', secret: REDACTED, headers: { Authorization: 'Bearer b' } },
        stored,
      ),
    ).toEqual({ url: 'https://y', secret: 'old', headers: { Authorization: 'Bearer b' } });
  });
});
