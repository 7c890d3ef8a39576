import { describe, expect, it } from 'vitest';
import type { TokenRow } from '../api/admin-readers.ts';
import { buildNewToken, describeScope, emptyTokenForm, tokenState } from './token-form.ts';

const NOW = Date.parse('2026-03-01T12:00:00.000Z');

describe('buildNewToken', () => {
  it('sends only the name and role when nothing else is filled in', () => {
    expect(buildNewToken({ ...emptyTokenForm(), name: ' grafana ', role: 'viewer' }, NOW)).toEqual({
      ok: true,
      token: { name: 'grafana', role: 'viewer' },
    });
  });

  it('turns the comma-separated scope fields into a filter, without duplicates', () => {
    const result = buildNewToken(
      {
        ...emptyTokenForm(),
        name: 'soc',
        source: 'security, security',
        severity: 'high,critical',
        service: 'auth',
      },
      NOW,
    );
    expect(result).toEqual({
      ok: true,
      token: {
        name: 'soc',
        role: 'viewer',
        scope: { severity: ['high', 'critical'], source: ['security'], service: ['auth'] },
      },
    });
  });

  it('gives an ingest token its sources and no scope', () => {
    const result = buildNewToken(
      { ...emptyTokenForm(), name: 'shipper', role: 'ingest', sources: ['logs'], source: 'logs' },
      NOW,
    );
    expect(result).toEqual({ ok: true, token: { name: 'shipper', role: 'ingest', sources: ['logs'] } });
  });

  it('sends the expiry as an ISO instant', () => {
    const result = buildNewToken(
      { ...emptyTokenForm(), name: 'ci', expiresAt: '2026-04-01T00:00:00.000Z' },
      NOW,
    );
    expect(result.ok && result.token.expiresAt).toBe('2026-04-01T00:00:00.000Z');
  });

  it('lists every problem at once: no name, unknown values, an expiry in the past', () => {
    const result = buildNewToken(
      { ...emptyTokenForm(), severity: 'urgent', source: 'mail', expiresAt: '2026-01-01T00:00:00.000Z' },
      NOW,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'Give the token a name (what uses it).',
      'Unknown severity: urgent (one of info, low, medium, high, critical).',
      'Unknown source: mail.',
      'The expiry is in the past.',
    ]);
  });
});

describe('tokenState', () => {
  const token = (over: Partial<TokenRow>): TokenRow => ({
    id: 't',
    name: 't',
    role: 'viewer',
    sources: null,
    scope: null,
    createdBy: null,
    createdAt: null,
    expiresAt: null,
    lastUsedAt: null,
    revokedAt: null,
    ...over,
  });

  it('is active, expired after its expiry, revoked once revoked (even if expired)', () => {
    expect(tokenState(token({}), NOW)).toBe('active');
    expect(tokenState(token({ expiresAt: '2026-02-01T00:00:00.000Z' }), NOW)).toBe('expired');
    expect(
      tokenState(
        token({ expiresAt: '2026-02-01T00:00:00.000Z', revokedAt: '2026-01-01T00:00:00.000Z' }),
        NOW,
      ),
    ).toBe('revoked');
  });
});

describe('describeScope', () => {
  it('says everything for no scope, and each field otherwise', () => {
    expect(describeScope(null)).toBe('everything');
    expect(describeScope({})).toBe('everything');
    expect(describeScope({ source: ['security'], severity: ['high', 'critical'] })).toBe(
      'source=security · severity=high,critical',
    );
  });
});
