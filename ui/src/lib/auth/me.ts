import { type AlertFilter, isTokenRole, type Source, type TokenRole } from '@vigil/core';

/** Who the dashboard is signed in as: the body of `GET /api/auth/me` (gateway/README.md, "Auth"). */
export interface Me {
  kind: 'user' | 'token';
  id: string;
  name: string;
  role: TokenRole;
  scope: AlertFilter | null;
  sources: Source[] | null;
  expiresAt: string | null;
  /** False for a user signed in by a one-time link who has not set a password yet; null for tokens. */
  hasPassword: boolean | null;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads `GET /api/auth/me`; null when the body is not a principal (the page then shows an error). */
export function readMe(body: unknown): Me | null {
  if (!isObject(body) || typeof body.id !== 'string' || !isTokenRole(body.role)) return null;
  const name = typeof body.name === 'string' ? body.name : body.id;
  return {
    kind: body.kind === 'token' ? 'token' : 'user',
    id: body.id,
    name,
    role: body.role,
    scope: isObject(body.scope) ? (body.scope as AlertFilter) : null,
    sources: Array.isArray(body.sources) ? (body.sources as Source[]) : null,
    expiresAt: typeof body.expiresAt === 'string' ? body.expiresAt : null,
    hasPassword: typeof body.hasPassword === 'boolean' ? body.hasPassword : null,
  };
}
