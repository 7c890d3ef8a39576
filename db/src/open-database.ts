import type pg from 'pg';
import type { Logger } from 'pino';
import { createAlertStore } from './alert-store.ts';
import type { AlertStore } from './alert-store-port.ts';
import { createAuditLog } from './audit-log.ts';
import type { AuditLog } from './audit-log-port.ts';
import type { VigilDatabase } from './database.ts';
import { createEventStore } from './event-store.ts';
import type { EventStore } from './event-store-port.ts';
import { createIdentityStore } from './identity-store.ts';
import type { IdentityStore } from './identity-store-port.ts';
import { createRuleStore } from './rule-store.ts';
import type { RuleStore } from './rule-store-port.ts';
import { createSilenceStore } from './silence-store.ts';
import type { SilenceStore } from './silence-store-port.ts';

export interface OpenDatabaseOptions {
  /** DATABASE_URL: PostgreSQL through a `pg` pool. Takes precedence over `dataDir`. */
  url?: string;
  /** DATA_DIR: PGlite persisted in `${dataDir}/pg` when no url is given; neither means PGlite in memory. */
  dataDir?: string;
  logger: Logger;
  /** pg pool size (default 10). */
  poolSize?: number;
  /** How long a pg connection attempt may take before it counts as an outage (default 10 s). */
  connectTimeoutMs?: number;
}

export interface Database {
  db: VigilDatabase;
  store: AlertStore;
  identities: IdentityStore;
  audit: AuditLog;
  /** Raw events for the explorer, written by the event indexer. */
  events: EventStore;
  /** Silences and what they do to unresolved episodes (gateway/README.md, "HTTP: silences"). */
  silences: SilenceStore;
  /** The rules in force and their versions (processor/RULES.md, "Managing rules"). */
  rules: RuleStore;
  driver: 'pg' | 'pglite';
  /** Safe to log: "PostgreSQL at host:port/db" or "PGlite in <dir>". */
  target: string;
  /**
   * The pool behind `db` when the driver is pg (undefined on PGlite), for libraries that keep state in
   * PostgreSQL themselves (the gateway's shared rate limits). Ended by `close`, so never end it yourself.
   */
  pgPool?: pg.Pool;
  /** Ends the pool or closes PGlite; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Opens the database named by the options, applies pending migrations and builds the stores.
 * Throws UnavailableError (retriable) when the database cannot be reached.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  const logger = options.logger.child({ module: 'db' });
  // Each driver is imported on demand: PGlite's WASM has no business in a process that talks to PostgreSQL.
  const handle = options.url
    ? await (await import('./pg-driver.ts')).openPgDriver({
        url: options.url,
        logger,
        poolSize: options.poolSize,
        connectTimeoutMs: options.connectTimeoutMs,
      })
    : await (await import('./pglite-driver.ts')).openPgliteDriver({ dataDir: options.dataDir, logger });
  const store = createAlertStore({
    db: handle.db,
    logger: options.logger,
    target: handle.target,
    afterInsert: handle.afterInsert,
  });
  const identities = createIdentityStore({ db: handle.db, target: handle.target });
  const audit = createAuditLog({ db: handle.db, target: handle.target });
  const events = createEventStore({ db: handle.db, driver: handle.driver, target: handle.target });
  const silences = createSilenceStore({ db: handle.db, target: handle.target });
  const rules = createRuleStore({ db: handle.db, target: handle.target });
  return {
    db: handle.db,
    driver: handle.driver,
    target: handle.target,
    pgPool: handle.pgPool,
    close: handle.close,
    store,
    identities,
    audit,
    events,
    silences,
    rules,
  };
}
