import type { Alert } from '@vigil/core';
import { type Database, openDatabase, type SilenceStore, schema } from '@vigil/db';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type { HttpAlertStore } from '../http-ports.ts';
import { seedTestTokens } from './test-tokens.ts';

// The routes' unit tests run against the real store on an in-memory PGlite, not a fake that would have to
// copy its validation, text search and aggregation. Starting PGlite takes seconds, so one database is shared
// by the test file that imports this module (vitest loads it once per file) and opened only by files that
// reach the store.

let database: Promise<Database> | undefined;
/** The file's database, opened once, with the test tokens of test-auth.ts in it. */
export const openTestDatabase = (): Promise<Database> => {
  database ??= openDatabase({ logger: pino({ level: 'silent' }) }).then(async (db) => {
    await seedTestTokens(db.identities);
    return db;
  });
  return database;
};
const open = openTestDatabase;

/**
 * Opens the file's database before its tests (call at the top of a test file that reaches the store): start
 * and migrations take seconds, more on a busy machine, which is the hook's budget, not a test's. A store used
 * without it opens the database in the first test that reaches it.
 */
export function useTestDatabase(): void {
  beforeAll(async () => {
    await open();
  }, 120_000);
}

afterAll(async () => {
  await (await database)?.close();
}, 30_000);

let seededBy: object | undefined;

/**
 * The shared store holding exactly `alerts` (all others deleted) when one of its methods is first called.
 * Tests of one file run one after another; two seeded stores used in turn would see each other's alerts,
 * so a store whose data was replaced by a later one throws instead of answering from the wrong set.
 */
export function seededStore(alerts: readonly Alert[]): HttpAlertStore {
  const owner = {};
  let ready: Promise<Database> | undefined;
  const seed = async () => {
    const db = await open();
    await db.db.delete(schema.alerts);
    await db.store.insertAlerts(alerts);
    return db;
  };
  const store = async () => {
    if (!ready) {
      seededBy = owner;
      ready = seed();
    }
    if (seededBy !== owner) throw new Error('a later test store replaced this one’s alerts');
    return (await ready).store;
  };
  return {
    getAlert: async (id) => (await store()).getAlert(id),
    queryAlerts: async (query) => (await store()).queryAlerts(query),
    summary: async (range) => (await store()).summary(range),
    timeline: async (query) => (await store()).timeline(query),
    services: async (range) => (await store()).services(range),
    transition: async (...args) => (await store()).transition(...args),
    comment: async (...args) => (await store()).comment(...args),
    activity: async (...args) => (await store()).activity(...args),
  };
}

/** A store whose every method rejects with `error`: what the routes answer when the database fails. */
export function failingStore(error: Error): HttpAlertStore {
  const fail = async (): Promise<never> => {
    throw error;
  };
  return {
    getAlert: fail,
    queryAlerts: fail,
    summary: fail,
    timeline: fail,
    services: fail,
    transition: fail,
    comment: fail,
    activity: fail,
  };
}

/** The file's silences, on the same database as the seeded stores (opened on first use). */
export function testSilences(): SilenceStore {
  const silences = async () => (await open()).silences;
  return {
    create: async (...args) => (await silences()).create(...args),
    list: async (...args) => (await silences()).list(...args),
    get: async (...args) => (await silences()).get(...args),
    expire: async (...args) => (await silences()).expire(...args),
    preview: async (...args) => (await silences()).preview(...args),
  };
}
