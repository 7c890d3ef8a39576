import { REDACTED } from '@vigil/core/notifications';
import { describe, expect, it } from 'vitest';
import { channelBody, channelFormOf, emptyChannelForm } from './channel-form.ts';

describe('channel form', () => {
  it('builds a webhook body with headers and without empty fields', () => {
    const form = emptyChannelForm('webhook');
    form.name = ' ops ';
    form.values = { url: 'http://h/x', headers: 'X-Team: ops\nAuthorization: Bearer t', secret: '' };
    expect(channelBody(form)).toEqual({
      name: 'ops',
      type: 'webhook',
      enabled: true,
      config: { url: 'http://h/x', headers: { 'X-Team': 'ops', Authorization: 'Bearer t' } },
    });
  });

  it('round-trips an email channel read from the API, its redacted password kept as is', () => {
    const channel = {
      id: 'c1',
      name: 'mail',
      type: 'email' as const,
      enabled: false,
      config: {
        host: 'smtp',
        port: 25,
        secure: true,
        auth: { user: 'u', pass: REDACTED },
        from: 'a@b.c',
        to: ['x@y.z', 'w@y.z'],
      },
    };
    expect(channelBody(channelFormOf(channel))).toEqual({
      name: 'mail',
      type: 'email',
      enabled: false,
      config: channel.config,
    });
  });
});
