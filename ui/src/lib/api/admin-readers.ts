import type { AlertFilter, Source, TokenRole, UserRole } from '@vigil/core';
import { type Json, listIn } from './normalize.ts';

// Bodies of the admin routes (gateway/README.md, "Auth": users, tokens, audit), read leniently like the
// alert readers: an item without an id is dropped, a missing optional field becomes null.

export interface UserRow {
  id: string;
  username: string;
  role: UserRole;
  hasPassword: boolean;
  disabled: boolean;
  createdAt: string | null;
  updatedAt: string | null;
  lastLoginAt: string | null;
}

export interface TokenRow {
  id: string;
  name: string;
  role: TokenRole;
  sources: Source[] | null;
  scope: AlertFilter | null;
  createdBy: string | null;
  createdAt: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** A token just created: the only time its secret is ever sent. */
export type CreatedToken = TokenRow & { secret: string };

export interface AuditEntry {
  id: string;
  at: string;
  actor: { kind: string; id: string | null; name: string | null } | null;
  action: string;
  target: { type: string; id: string | null } | null;
  ip: string | null;
  requestId: string | null;
  before: unknown;
  after: unknown;
  outcome: 'success' | 'failure' | string;
}

export interface AuditPage {
  items: AuditEntry[];
  nextCursor: string | null;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const withId = (v: unknown): v is Json & { id: string } => isObject(v) && typeof v.id === 'string';
const readList = <T>(body: unknown, keys: readonly string[], read: (item: unknown) => T | null): T[] =>
  listIn(body, keys)
    .map(read)
    .filter((item): item is T => item !== null);

export function readUser(body: unknown): UserRow | null {
  if (!withId(body)) return null;
  return {
    id: body.id,
    username: str(body.username) ?? body.id,
    role: (str(body.role) ?? 'viewer') as UserRole,
    hasPassword: body.hasPassword !== false,
    disabled: body.disabled === true,
    createdAt: str(body.createdAt),
    updatedAt: str(body.updatedAt),
    lastLoginAt: str(body.lastLoginAt),
  };
}

export const readUsers = (body: unknown): UserRow[] => readList(body, ['items', 'users'], readUser);

export function readToken(body: unknown): TokenRow | null {
  if (!withId(body)) return null;
  return {
    id: body.id,
    name: str(body.name) ?? body.id,
    role: (str(body.role) ?? 'viewer') as TokenRole,
    sources: Array.isArray(body.sources) ? (body.sources as Source[]) : null,
    scope: isObject(body.scope) ? (body.scope as AlertFilter) : null,
    createdBy: str(body.createdBy),
    createdAt: str(body.createdAt),
    expiresAt: str(body.expiresAt),
    lastUsedAt: str(body.lastUsedAt),
    revokedAt: str(body.revokedAt),
  };
}

export const readTokens = (body: unknown): TokenRow[] => readList(body, ['items', 'tokens'], readToken);

/** The created token; throws when the body has no secret, which the user could then never see. */
export function readCreatedToken(body: unknown): CreatedToken {
  const token = readToken(body);
  const secret = isObject(body) ? str(body.secret) : null;
  if (!token || !secret) throw new Error('the gateway answered without the token secret');
  return { ...token, secret };
}

function readAuditEntry(body: unknown): AuditEntry | null {
  if (!withId(body)) return null;
  const actor = isObject(body.actor) ? body.actor : null;
  const target = isObject(body.target) ? body.target : null;
  return {
    id: body.id,
    at: str(body.at) ?? '',
    actor: actor ? { kind: str(actor.kind) ?? 'unknown', id: str(actor.id), name: str(actor.name) } : null,
    action: str(body.action) ?? 'unknown',
    target: target ? { type: str(target.type) ?? 'unknown', id: str(target.id) } : null,
    ip: str(body.ip),
    requestId: str(body.requestId),
    before: body.before ?? null,
    after: body.after ?? null,
    outcome: str(body.outcome) ?? 'success',
  };
}

export function readAuditPage(body: unknown): AuditPage {
  const items = readList(body, ['items'], readAuditEntry);
  const next = isObject(body) ? str(body.nextCursor) : null;
  return { items, nextCursor: next };
}
