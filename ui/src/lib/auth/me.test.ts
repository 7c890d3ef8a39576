import { describe, expect, it } from 'vitest';
import { readMe } from './me.ts';

describe('readMe', () => {
  it('reads a user, keeping hasPassword', () => {
    expect(
      readMe({
        kind: 'user',
        id: 'u1',
        name: 'ada',
        role: 'admin',
        scope: null,
        sources: null,
        expiresAt: null,
        hasPassword: false,
      }),
    ).toEqual({
      kind: 'user',
      id: 'u1',
      name: 'ada',
      role: 'admin',
      scope: null,
      sources: null,
      expiresAt: null,
      hasPassword: false,
    });
  });

  it('reads a token with its scope, hasPassword null', () => {
    const me = readMe({
      kind: 'token',
      id: 't1',
      name: 'ci',
      role: 'viewer',
      scope: { source: ['security'] },
      expiresAt: '2030-01-01T00:00:00.000Z',
    });
    expect(me?.scope).toEqual({ source: ['security'] });
    expect(me?.hasPassword).toBeNull();
    expect(me?.expiresAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('refuses a body without an id or with an unknown role', () => {
    expect(readMe({ id: 'x', role: 'root' })).toBeNull();
    expect(readMe({ role: 'admin' })).toBeNull();
    expect(readMe('<html>')).toBeNull();
  });
});
