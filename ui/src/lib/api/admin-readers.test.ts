import { describe, expect, it } from 'vitest';
import { readAuditPage, readCreatedToken, readTokens, readUsers } from './admin-readers.ts';

describe('admin readers', () => {
  it('reads users, dropping items without an id and filling missing times with null', () => {
    const users = readUsers({
      items: [
        {
          id: 'u1',
          username: 'ada',
          role: 'admin',
          hasPassword: false,
          disabled: false,
          createdAt: '2026-01-01T00:00:00.000Z',
        },
        { username: 'ghost' },
      ],
    });
    expect(users).toEqual([
      {
        id: 'u1',
        username: 'ada',
        role: 'admin',
        hasPassword: false,
        disabled: false,
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: null,
        lastLoginAt: null,
      },
    ]);
  });

  it('reads tokens with their scope and sources, null when absent', () => {
    const [token] = readTokens({
      items: [
        {
          id: 't1',
          name: 'ci',
          role: 'ingest',
          sources: ['logs'],
          scope: null,
          revokedAt: '2026-01-02T00:00:00.000Z',
        },
      ],
    });
    expect(token).toMatchObject({
      id: 't1',
      role: 'ingest',
      sources: ['logs'],
      scope: null,
      expiresAt: null,
      revokedAt: '2026-01-02T00:00:00.000Z',
    });
  });

  it('refuses a created token without its secret, which could then never be shown', () => {
    expect(readCreatedToken({ id: 't1', name: 'ci', role: 'viewer', secret: 'vgl_abc' }).secret).toBe(
      'vgl_abc',
    );
    expect(() => readCreatedToken({ id: 't1', name: 'ci', role: 'viewer' })).toThrow(/secret/);
  });

  it('reads an audit page with its cursor', () => {
    const page = readAuditPage({
      items: [
        {
          id: 'a1',
          at: '2026-01-01T00:00:00.000Z',
          actor: { kind: 'user', id: 'u1', name: 'ada' },
          action: 'alert.status',
          target: { type: 'alert', id: 'x' },
          before: { status: 'open' },
          after: { status: 'resolved' },
          outcome: 'success',
        },
      ],
      nextCursor: 'c2',
    });
    expect(page.nextCursor).toBe('c2');
    expect(page.items[0]).toMatchObject({
      action: 'alert.status',
      actor: { name: 'ada' },
      target: { type: 'alert', id: 'x' },
      ip: null,
      before: { status: 'open' },
    });
    expect(readAuditPage({ items: [], nextCursor: null }).nextCursor).toBeNull();
  });
});
