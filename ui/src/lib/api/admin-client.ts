import type { AlertFilter, Source, TokenRole, UserRole } from '@vigil/core';
import {
  type AuditPage,
  type CreatedToken,
  readAuditPage,
  readCreatedToken,
  readTokens,
  readUser,
  readUsers,
  type TokenRow,
  type UserRow,
} from './admin-readers.ts';
import { ApiError } from './api-error.ts';
import type { Http } from './http.ts';

export interface NewToken {
  name: string;
  role: TokenRole;
  sources?: Source[];
  scope?: AlertFilter;
  expiresAt?: string;
}

export interface UserChange {
  role?: UserRole;
  password?: string;
  disabled?: boolean;
}

/** Filters of GET /api/audit; empty values are left out of the query. */
export interface AuditQuery {
  action?: string;
  actor?: string;
  outcome?: string;
  from?: string;
  to?: string;
  cursor?: string;
  limit?: number;
}

const path = (base: string, id: string) => `${base}/${encodeURIComponent(id)}`;

const userOf = (body: unknown): UserRow => {
  const user = readUser(body);
  if (!user) throw new ApiError(502, 'the gateway answered without the user');
  return user;
};

/** The admin routes: users, tokens, the audit log (gateway/README.md, "Auth"). */
export function createAdminClient(http: Http) {
  return {
    async listUsers(): Promise<UserRow[]> {
      return readUsers(await http('/api/users'));
    },
    async createUser(user: { username: string; role: UserRole; password: string }): Promise<UserRow> {
      return userOf(await http('/api/users', { method: 'POST', body: user }));
    },
    async updateUser(id: string, change: UserChange): Promise<UserRow> {
      return userOf(await http(path('/api/users', id), { method: 'PATCH', body: change }));
    },
    async deleteUser(id: string): Promise<void> {
      await http(path('/api/users', id), { method: 'DELETE' });
    },
    async listTokens(): Promise<TokenRow[]> {
      return readTokens(await http('/api/tokens'));
    },
    async createToken(token: NewToken): Promise<CreatedToken> {
      return readCreatedToken(await http('/api/tokens', { method: 'POST', body: token }));
    },
    async revokeToken(id: string): Promise<void> {
      await http(path('/api/tokens', id), { method: 'DELETE' });
    },
    async audit(query: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) {
        if (value !== undefined && value !== '') params.set(key, String(value));
      }
      return readAuditPage(await http('/api/audit', { params, signal }));
    },
  };
}
