import { describe, expect, it } from 'vitest';
import { loginFailureText, loginHref, parseRetryAfter, safeNext } from './login-flow.ts';

describe('safeNext', () => {
  it('keeps a path on this origin with its query and hash', () => {
    expect(safeNext('/alerts?severity=high#x')).toBe('/alerts?severity=high#x');
    expect(safeNext('/admin/tokens')).toBe('/admin/tokens');
  });

  it('refuses anything that could leave the origin', () => {
    for (const next of [
      '//evil.example/x',
      '/\\evil.example',
      'https://evil.example/',
      'javascript:alert(1)',
      'alerts',
    ]) {
      expect(safeNext(next)).toBe('/');
    }
  });

  it('never returns to the login page, and defaults to the overview', () => {
    expect(safeNext('/login?next=/login')).toBe('/');
    expect(safeNext(null)).toBe('/');
    expect(safeNext('')).toBe('/');
  });
});

describe('loginHref', () => {
  it('carries the page the user wanted as next', () => {
    expect(loginHref({ pathname: '/alerts', search: '?service=pay' })).toBe(
      '/login?next=%2Falerts%3Fservice%3Dpay',
    );
    expect(loginHref({ pathname: '/', search: '' })).toBe('/login');
  });

  it('is null on the login page, so it cannot redirect to itself', () => {
    expect(loginHref({ pathname: '/login', search: '?next=/alerts' })).toBeNull();
  });
});

describe('loginFailureText', () => {
  it('says wrong credentials on 401 without saying which', () => {
    expect(loginFailureText(401, null, 'invalid username or password')).toBe('Wrong username or password.');
  });

  it('gives the wait of a 429 from Retry-After', () => {
    expect(loginFailureText(429, 30, 'too many')).toBe('Too many failed sign-ins. Try again in 30 seconds.');
    expect(loginFailureText(429, 1, 'too many')).toBe('Too many failed sign-ins. Try again in 1 second.');
    expect(loginFailureText(429, 125, 'too many')).toBe('Too many failed sign-ins. Try again in 3 minutes.');
    expect(loginFailureText(429, null, 'too many')).toBe('Too many failed sign-ins. Try again later.');
  });

  it('says when the gateway cannot be reached or failed', () => {
    expect(loginFailureText(0, null, 'Failed to fetch')).toContain('cannot be reached');
    expect(loginFailureText(503, null, 'database down')).toBe('Sign-in failed (503): database down');
  });
});

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('42', 0)).toBe(42);
    expect(parseRetryAfter(new Date(10_500).toUTCString(), 0)).toBe(10);
    expect(parseRetryAfter(null, 0)).toBeNull();
    expect(parseRetryAfter('soon', 0)).toBeNull();
  });
});
