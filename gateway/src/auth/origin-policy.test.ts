import { describe, expect, it } from 'vitest';
import { createOriginPolicy, hostName } from './origin-policy.ts';

const policy = (allowedHosts: string[] = [], allowedOrigins: string[] = []) =>
  createOriginPolicy({ allowedHosts, allowedOrigins });

describe('origin policy', () => {
  describe('hostName', () => {
    it.each([
      ['localhost', 'localhost'],
      ['Example.COM:8080', 'example.com'],
      ['example.com.', 'example.com'],
      ['example.com.:443', 'example.com'],
      ['[::1]:80', '[::1]'],
      ['[::1]', '[::1]'],
      [' 127.0.0.1:3000 ', '127.0.0.1'],
    ])('%s → %s', (host, name) => {
      expect(hostName(host)).toBe(name);
    });

    it.each(['', '::1', '[::1', 'a b', 'localhost:', 'localhost:123456', 'user@localhost', 'localhost/x'])(
      'names no host in %j',
      (host) => {
        expect(hostName(host)).toBeNull();
      },
    );
  });

  describe('hostAllowed (DNS rebinding: a hostile name resolving to 127.0.0.1 sends its own Host)', () => {
    it.each([
      'localhost',
      'localhost:8080',
      'LOCALHOST.',
      'localhost.:8080',
      '127.0.0.1',
      '127.0.0.1:3000',
      '[::1]',
      '[::1]:8080',
    ])('answers to the loopback name %s by default', (host) => {
      expect(policy().hostAllowed(host)).toBe(true);
    });

    it.each([
      undefined,
      '',
      'evil.example',
      'evil.example:8080',
      '127.0.0.2',
      '[::2]',
      'localhost.evil.example',
      '::1',
    ])('refuses %j by default', (host) => {
      expect(policy().hostAllowed(host)).toBe(false);
    });

    it('answers to configured names, case-insensitively, with any port or a trailing dot', () => {
      const allowed = policy(['Vigil.Example.com']);
      for (const host of ['vigil.example.com', 'VIGIL.example.com:443', 'vigil.example.com.', 'localhost:1'])
        expect(allowed.hostAllowed(host), host).toBe(true);
      for (const host of ['example.com', 'x.vigil.example.com', 'vigil.example.com.evil'])
        expect(allowed.hostAllowed(host), host).toBe(false);
    });

    it('answers to any well-formed Host with `*`, still not to garbage or none', () => {
      const any = policy(['*']);
      expect(any.hostAllowed('anything.example:9')).toBe(true);
      expect(any.hostAllowed('[fe80::1]')).toBe(true);
      expect(any.hostAllowed('a b')).toBe(false);
      expect(any.hostAllowed(undefined)).toBe(false);
    });
  });

  describe('sameOrigin (CSRF check of cookie-authenticated writes)', () => {
    const host = '127.0.0.1:8080';
    const check = (headers: Record<string, string>, allowedOrigins: string[] = []) =>
      policy([], allowedOrigins).sameOrigin({ host, ...headers });

    it("trusts the browser's Sec-Fetch-Site: same-origin", () => {
      expect(check({ 'sec-fetch-site': 'same-origin' })).toBe(true);
      expect(check({ 'sec-fetch-site': 'same-origin', origin: `http://${host}` })).toBe(true);
    });

    it.each(['cross-site', 'same-site', 'none', 'unknown-value'])(
      'refuses Sec-Fetch-Site: %s, even with our own Origin',
      (site) => {
        expect(check({ 'sec-fetch-site': site })).toBe(false);
        expect(check({ 'sec-fetch-site': site, origin: `http://${host}` })).toBe(false);
      },
    );

    it('lets a configured origin in cross-site, and only that one', () => {
      const tools = ['https://tools.example/'];
      expect(check({ 'sec-fetch-site': 'cross-site', origin: 'https://tools.example' }, tools)).toBe(true);
      expect(check({ 'sec-fetch-site': 'same-site', origin: 'HTTPS://TOOLS.EXAMPLE' }, tools)).toBe(true);
      expect(check({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' }, tools)).toBe(false);
      expect(check({ 'sec-fetch-site': 'cross-site' }, tools)).toBe(false);
      expect(check({ 'sec-fetch-site': 'none', origin: 'https://tools.example' }, tools)).toBe(false);
    });

    it('without Fetch Metadata (older browsers), goes by Origin against the Host', () => {
      expect(check({ origin: `http://${host}` })).toBe(true);
      expect(check({ origin: `https://${host}` })).toBe(true);
      expect(check({ origin: `HTTP://${host}` })).toBe(true);
      expect(check({ origin: 'http://127.0.0.1:9999' })).toBe(false);
      expect(check({ origin: 'http://evil.example' })).toBe(false);
      expect(check({ origin: 'null' })).toBe(false);
    });

    it('refuses a write with neither header: a cookie is a browser credential, and browsers send one', () => {
      expect(check({})).toBe(false);
    });

    it('refuses an Origin matching a Host the gateway does not answer to (rebinding)', () => {
      const headers = { host: 'evil.example', origin: 'http://evil.example' };
      expect(policy().sameOrigin(headers)).toBe(false);
    });
  });

  describe('originAllowed (WebSocket upgrades: cross-site WebSocket hijacking)', () => {
    const host = 'localhost:8080';
    it('lets non-browser clients (no Origin) through: their credentials decide', () => {
      expect(policy().originAllowed({ host })).toBe(true);
      expect(policy().originAllowed({ host, origin: '' })).toBe(true);
    });

    it("lets the dashboard's own origin and configured ones in, nothing else", () => {
      const p = policy([], ['https://tools.example']);
      expect(p.originAllowed({ host, origin: 'http://localhost:8080' })).toBe(true);
      expect(p.originAllowed({ host, origin: 'https://tools.example' })).toBe(true);
      expect(p.originAllowed({ host, origin: 'http://evil.example' })).toBe(false);
      expect(p.originAllowed({ host, origin: 'http://localhost:3000' })).toBe(false);
      expect(p.originAllowed({ host, origin: 'null' })).toBe(false);
      expect(p.originAllowed({ host: 'evil.example', origin: 'http://evil.example' })).toBe(false);
    });
  });
});
