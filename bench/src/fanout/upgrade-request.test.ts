import { describe, expect, it } from 'vitest';
import { upgradeRequest } from './upgrade-request.ts';

describe('upgradeRequest', () => {
  const key = 'dGhlIHNhbXBsZSBub25jZQ==';

  it('writes the RFC 6455 handshake for the URL, ending with an empty line', () => {
    expect(upgradeRequest({ url: 'ws://127.0.0.1:8080/ws', key })).toBe(
      'GET /ws HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });

  it('sends the Bearer token on the upgrade itself, inside the header block', () => {
    const text = upgradeRequest({
      url: 'ws://127.0.0.1:8080/ws',
      key,
      headers: { authorization: 'Bearer secret-token' },
    });
    const [head, rest] = text.split('\r\n\r\n');
    expect(rest).toBe('');
    expect(head!.split('\r\n')).toContain('authorization: Bearer secret-token');
  });

  it('keeps the query string', () => {
    expect(upgradeRequest({ url: 'ws://localhost:1/ws?x=1', key })).toMatch(/^GET \/ws\?x=1 HTTP\/1\.1\r\n/);
  });

  it('refuses a header value with a line break (it would split the request)', () => {
    expect(() =>
      upgradeRequest({ url: 'ws://localhost:1/ws', key, headers: { authorization: 'Bearer a\r\nX: y' } }),
    ).toThrow(/line break/);
  });
});
