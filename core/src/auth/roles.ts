import type { Source } from '../events/sources.ts';
import type { AlertFilter } from '../protocol/ws-protocol.ts';

/** Roles of people (DESIGN.md, "Roles"), from least to most allowed: each includes the ones before it. */
export const USER_ROLES = ['viewer', 'operator', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Roles an API token may carry: a person's role, or `ingest` (may only post events). */
export const TOKEN_ROLES = [...USER_ROLES, 'ingest'] as const;
export type TokenRole = (typeof TOKEN_ROLES)[number];

/**
 * What a route or WebSocket operation requires. `public`: anyone, no credentials (health, login).
 * `authenticated`: any valid credential (who am I, sign out). `ingest`: post events (ingest tokens and
 * admins). The others: that user role or a higher one.
 */
export const PERMISSIONS = ['public', 'authenticated', 'ingest', ...USER_ROLES] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Who a request or socket acts as, resolved from a session cookie or an API token. */
export interface Principal {
  kind: 'user' | 'token';
  /** The user's id, or the token's. */
  id: string;
  /** The username, or the token's name: what the audit log and the dashboard show. */
  name: string;
  role: TokenRole;
  /** The session's or the token's id: what revocation and logout end. */
  credentialId: string;
  /** Epoch ms when the credential stops working; null: never. */
  expiresAt: number | null;
  /** Token scope ANDed with every query and subscription; null: everything. */
  scope: AlertFilter | null;
  /** Sources an ingest token may post; null: all. */
  sources: Source[] | null;
}

export type Decision = 'allowed' | 'unauthenticated' | 'forbidden';

const rank = (role: TokenRole): number => (role === 'ingest' ? -1 : USER_ROLES.indexOf(role));

/**
 * Whether a principal (null: no credentials) may do what needs `permission`: the one rule every route,
 * the WebSocket and the dashboard's role-dependent controls go by.
 */
export function decide(principal: Principal | null, permission: Permission): Decision {
  if (permission === 'public') return 'allowed';
  if (principal === null) return 'unauthenticated';
  if (permission === 'authenticated') return 'allowed';
  if (permission === 'ingest') {
    return principal.role === 'ingest' || principal.role === 'admin' ? 'allowed' : 'forbidden';
  }
  return rank(principal.role) >= rank(permission) ? 'allowed' : 'forbidden';
}

export const isUserRole = (value: unknown): value is UserRole =>
  typeof value === 'string' && (USER_ROLES as readonly string[]).includes(value);
export const isTokenRole = (value: unknown): value is TokenRole =>
  typeof value === 'string' && (TOKEN_ROLES as readonly string[]).includes(value);
