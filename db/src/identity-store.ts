import type { VigilDatabase } from './database.ts';
import { guardOutage } from './db-errors.ts';
import * as sessions from './identity-sessions.ts';
import type { IdentityStore } from './identity-store-port.ts';
import * as tokens from './identity-tokens.ts';
import * as users from './identity-users.ts';

export interface IdentityStoreOptions {
  db: VigilDatabase;
  /** Named in UnavailableError messages, e.g. "PostgreSQL at db:5432/vigil"; never a URL with a password. */
  target?: string;
}

/**
 * Users, tokens, sessions and sign-in links over Drizzle, on node-postgres and PGlite alike. Input is
 * checked before any query, so bad input is a ValidationError even during an outage; outages become
 * UnavailableError naming the operation and the database.
 */
export function createIdentityStore(options: IdentityStoreOptions): IdentityStore {
  const { db } = options;
  const target = options.target ?? 'the database';
  const guard = <T>(what: string, run: () => Promise<T>) => guardOutage(what, target, run);

  return {
    createUser: (user) => guard('create user', () => users.createUser(db, user)),
    getUser: (id) => guard('get user', () => users.getUser(db, id)),
    findUserByUsername: (username) => guard('find user', () => users.findUserByUsername(db, username)),
    listUsers: () => guard('list users', () => users.listUsers(db)),
    updateUser: (id, changes, at) => guard('update user', () => users.updateUser(db, id, changes, at)),
    deleteUser: (id) => guard('delete user', () => users.deleteUser(db, id)),
    countUsers: () => guard('count users', () => users.countUsers(db)),
    recordLogin: (userId, at) => guard('record login', () => users.recordLogin(db, userId, at)),

    createToken: (token) => guard('create token', () => tokens.createToken(db, token)),
    listTokens: () => guard('list tokens', () => tokens.listTokens(db)),
    getToken: (id) => guard('get token', () => tokens.getToken(db, id)),
    findTokenBySecretHash: (hash) => guard('find token', () => tokens.findTokenBySecretHash(db, hash)),
    revokeToken: (id, at) => guard('revoke token', () => tokens.revokeToken(db, id, at)),
    touchToken: (id, at) => guard('touch token', () => tokens.touchToken(db, id, at)),

    createSession: (session) => guard('create session', () => sessions.createSession(db, session)),
    findSession: (hash, at) => guard('find session', () => sessions.findSession(db, hash, at)),
    revokeSession: (id, at) => guard('revoke session', () => sessions.revokeSession(db, id, at)),
    createSignInLink: (link) => guard('create sign-in link', () => sessions.createSignInLink(db, link)),
    consumeSignInLink: (hash, at) =>
      guard('use sign-in link', () => sessions.consumeSignInLink(db, hash, at)),
    invalidCredentials: (ids, at) =>
      guard('check credentials', () => sessions.invalidCredentials(db, ids, at)),
  };
}
