import { describe, expect, it } from 'vitest';
import { signInBanner } from './sign-in-banner.ts';

describe('signInBanner', () => {
  it('shows the one-time link of a first run whole, on a line of its own', () => {
    const url = 'http://127.0.0.1:8080/api/auth/sign-in?token=vgo_abc';
    expect(signInBanner(url).split('\n')).toContain(`      ${url}`);
  });

  it('says how to sign in when there is no link', () => {
    expect(signInBanner(null)).toMatch(/username and password/);
  });
});
