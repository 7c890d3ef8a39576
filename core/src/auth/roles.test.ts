import { describe, expect, it } from 'vitest';
import { decide, PERMISSIONS, type Principal, TOKEN_ROLES, type TokenRole } from './roles.ts';

const as = (role: TokenRole): Principal => ({
  kind: 'token',
  id: 't',
  name: 't',
  role,
  credentialId: 't',
  expiresAt: null,
  scope: null,
  sources: null,
});

describe('decide', () => {
  it('lets anyone through a public permission, and nobody without credentials through any other', () => {
    expect(decide(null, 'public')).toBe('allowed');
    for (const permission of PERMISSIONS.filter((p) => p !== 'public')) {
      expect(decide(null, permission)).toBe('unauthenticated');
    }
  });

  it('orders viewer < operator < admin; ingest is for ingest tokens and admins only', () => {
    const table = Object.fromEntries(
      TOKEN_ROLES.map((role) => [role, PERMISSIONS.map((p) => decide(as(role), p) === 'allowed')]),
    );
    // columns: public, authenticated, ingest, viewer, operator, admin
    expect(table).toEqual({
      viewer: [true, true, false, true, false, false],
      operator: [true, true, false, true, true, false],
      admin: [true, true, true, true, true, true],
      ingest: [true, true, true, false, false, false],
    });
  });
});
