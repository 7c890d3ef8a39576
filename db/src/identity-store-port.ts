import type { AlertFilter, Source, TokenRole, UserRole } from '@vigil/core';

/**
 * People, API tokens, browser sessions and one-time sign-in links. Secrets are never stored: the gateway
 * hashes each (SHA-256 of a high-entropy secret, argon2id of a password) and the store keeps the hash.
 * Timestamps are Dates. Bad input throws core's ValidationError; a username taken throws a VigilError
 * with code `conflict`; an unreachable database throws UnavailableError.
 */
export interface UserRecord {
  id: string;
  username: string;
  role: UserRole;
  /** False for an admin created on first run who signed in by a one-time link and never set a password. */
  hasPassword: boolean;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

export interface UserWithHash extends UserRecord {
  /** argon2id PHC string, or null when no password is set. */
  passwordHash: string | null;
}

export interface NewUser {
  username: string;
  role: UserRole;
  passwordHash: string | null;
}

export interface UserChanges {
  role?: UserRole;
  /** null clears the password. */
  passwordHash?: string | null;
  disabled?: boolean;
}

export interface TokenRecord {
  id: string;
  name: string;
  role: TokenRole;
  /** Sources an ingest token may post; null: all. */
  sources: Source[] | null;
  /** Filter ANDed with every query and subscription; null: everything. */
  scope: AlertFilter | null;
  /** Username (or token name) of whoever created it; `system` for VIGIL_ADMIN_TOKEN. */
  createdBy: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewToken {
  name: string;
  role: TokenRole;
  sources: Source[] | null;
  scope: AlertFilter | null;
  secretHash: string;
  createdBy: string;
  expiresAt: Date | null;
}

export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
}

export interface NewSession {
  userId: string;
  secretHash: string;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

export interface IdentityStore {
  createUser(user: NewUser): Promise<UserRecord>;
  getUser(id: string): Promise<UserWithHash | null>;
  /** Usernames are matched case-insensitively (stored as given). */
  findUserByUsername(username: string): Promise<UserWithHash | null>;
  /** Oldest first. */
  listUsers(): Promise<UserRecord[]>;
  /** The updated user, or null when there is no such id. Disabling a user or changing its password or role revokes its sessions. */
  updateUser(id: string, changes: UserChanges, at: Date): Promise<UserRecord | null>;
  /** Deletes the user and its sessions; false when there was no such id. */
  deleteUser(id: string): Promise<boolean>;
  countUsers(): Promise<number>;
  recordLogin(userId: string, at: Date): Promise<void>;

  createToken(token: NewToken): Promise<TokenRecord>;
  /** Newest first, revoked ones included. */
  listTokens(): Promise<TokenRecord[]>;
  getToken(id: string): Promise<TokenRecord | null>;
  /** Any token with this hash, revoked or expired included (the caller decides). */
  findTokenBySecretHash(secretHash: string): Promise<TokenRecord | null>;
  /** Sets revokedAt (first revocation wins); null when there is no such id. */
  revokeToken(id: string, at: Date): Promise<TokenRecord | null>;
  /** Sets lastUsedAt (callers throttle how often). */
  touchToken(id: string, at: Date): Promise<void>;

  createSession(session: NewSession): Promise<SessionRecord>;
  /** The session and its user, when the session is neither revoked nor expired at `at` and the user is enabled. */
  findSession(secretHash: string, at: Date): Promise<{ session: SessionRecord; user: UserRecord } | null>;
  revokeSession(id: string, at: Date): Promise<void>;

  /** Stores a one-time sign-in link's hash (first run's printed URL). */
  createSignInLink(link: { secretHash: string; userId: string; expiresAt: Date }): Promise<void>;
  /** Marks the link used and returns its user id, atomically: a second use, or one after expiry, returns null. */
  consumeSignInLink(secretHash: string, at: Date): Promise<string | null>;

  /**
   * Of these credential ids (session or token ids), the ones no longer valid at `at`: revoked, expired,
   * deleted, or (sessions) of a disabled or deleted user. What closes live WebSockets within a second.
   */
  invalidCredentials(ids: readonly string[], at: Date): Promise<string[]>;
}
