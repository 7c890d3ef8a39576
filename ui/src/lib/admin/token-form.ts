import {
  type AlertFilter,
  isSource,
  SEVERITIES,
  type Severity,
  type Source,
  type TokenRole,
} from '@vigil/core';
import type { NewToken } from '../api/admin-client.ts';
import type { TokenRow } from '../api/admin-readers.ts';

/** What the token form holds: free text for the scope fields (comma-separated), a local expiry. */
export interface TokenForm {
  name: string;
  role: TokenRole;
  /** Sources an ingest token may post; empty: all. */
  sources: Source[];
  severity: string;
  source: string;
  service: string;
  ruleId: string;
  /** A `datetime-local` value ('' for never), read in the browser's time zone. */
  expiresAt: string;
}

export const emptyTokenForm = (): TokenForm => ({
  name: '',
  role: 'viewer',
  sources: [],
  severity: '',
  source: '',
  service: '',
  ruleId: '',
  expiresAt: '',
});

const list = (text: string): string[] => [
  ...new Set(
    text
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== ''),
  ),
];

export type TokenFormResult = { ok: true; token: NewToken } | { ok: false; problems: string[] };

/**
 * The POST /api/tokens body for a filled-in form, leaving out what is empty (no scope: everything; no
 * expiry: never), or the list of what is wrong. `now` decides whether the expiry is in the past.
 */
export function buildNewToken(form: TokenForm, now: number): TokenFormResult {
  const problems: string[] = [];
  const name = form.name.trim();
  if (name === '') problems.push('Give the token a name (what uses it).');

  const severity = list(form.severity);
  const badSeverity = severity.filter((s) => !(SEVERITIES as readonly string[]).includes(s));
  if (badSeverity.length > 0)
    problems.push(`Unknown severity: ${badSeverity.join(', ')} (one of ${SEVERITIES.join(', ')}).`);
  const source = list(form.source);
  const badSource = source.filter((s) => !isSource(s));
  if (badSource.length > 0) problems.push(`Unknown source: ${badSource.join(', ')}.`);
  const scope: AlertFilter = {};
  if (severity.length > 0) scope.severity = severity as Severity[];
  if (source.length > 0) scope.source = source as Source[];
  const service = list(form.service);
  if (service.length > 0) scope.service = service;
  const ruleId = list(form.ruleId);
  if (ruleId.length > 0) scope.ruleId = ruleId;

  let expiresAt: string | undefined;
  if (form.expiresAt !== '') {
    const at = new Date(form.expiresAt).getTime();
    if (Number.isNaN(at)) problems.push('The expiry is not a date.');
    else if (at <= now) problems.push('The expiry is in the past.');
    else expiresAt = new Date(at).toISOString();
  }

  if (problems.length > 0) return { ok: false, problems };
  const token: NewToken = { name, role: form.role };
  // Sources limit what an ingest token may post; the other roles do not post events.
  if (form.role === 'ingest' && form.sources.length > 0) token.sources = [...form.sources];
  // A scope limits what a token reads; an ingest token reads nothing.
  if (form.role !== 'ingest' && Object.keys(scope).length > 0) token.scope = scope;
  if (expiresAt) token.expiresAt = expiresAt;
  return { ok: true, token };
}

/** A token's state at `now`: revoked wins over expired. */
export function tokenState(token: TokenRow, now: number): 'active' | 'expired' | 'revoked' {
  if (token.revokedAt !== null) return 'revoked';
  if (token.expiresAt !== null && Date.parse(token.expiresAt) <= now) return 'expired';
  return 'active';
}

/** A scope in one line: `source=security · severity=high,critical`; 'everything' when unscoped. */
export function describeScope(scope: AlertFilter | null): string {
  if (!scope) return 'everything';
  const parts = Object.entries(scope)
    .filter(([, values]) => Array.isArray(values) && values.length > 0)
    .map(([field, values]) => `${field}=${(values as string[]).join(',')}`);
  return parts.length > 0 ? parts.join(' · ') : 'everything';
}
