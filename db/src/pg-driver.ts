import { UnavailableError, ValidationError } from '@vigil/core';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import type { Logger } from 'pino';
import type { DriverHandle } from './database.ts';
import { describePostgresUrl, isOutage } from './db-errors.ts';
import { MIGRATIONS_FOLDER } from './migrations-folder.ts';
import * as schema from './schema.ts';

export interface PgDriverOptions {
  url: string;
  logger: Logger;
  /** Pool size per process; several processors and gateways share the server's max_connections. */
  poolSize?: number;
  connectTimeoutMs?: number;
}

// Any fixed 64-bit number works; every Vigil process migrating the same database must use the same one.
const MIGRATION_LOCK_KEY = 0x76_69_67_69_6c; // "vigil"
const DEFAULT_POOL_SIZE = 10;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
// The slowest store query measured on 1 M rows takes about 0.5 s (an all-time summary); one past 30 s is
// stuck behind a lock or an overloaded server, and failing it (retriably) beats holding a pool slot forever.
const STATEMENT_TIMEOUT_MS = 30_000;

/** Opens a pg Pool on `url`, applies pending migrations, and fails with UnavailableError if unreachable. */
export async function openPgDriver(options: PgDriverOptions): Promise<DriverHandle> {
  const target = describePostgresUrl(options.url);
  if (!URL.canParse(options.url)) throw new ValidationError(`DATABASE_URL is not a valid URL (${target})`);
  const logger = options.logger;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    // The prepared statements (prepared-statement.ts) are planned for their values on each run: a generic
    // plan made while a table is small (the firings guard as a sequential scan) stays after it has grown,
    // and in the end-to-end bench PostgreSQL then used 0.48 cores where it had used 0.21.
    options: '-c plan_cache_mode=force_custom_plan',
    // TCP keepalive notices a server that vanished without closing the connection (a partition, a dead host).
    keepAlive: true,
  });
  // An idle client losing its server emits on the pool; unhandled, that 'error' event would kill the process.
  // The next query then fails with an outage, which callers retry.
  pool.on('error', (err) => logger.warn({ err, target }, 'idle database connection lost'));

  try {
    await migrateOnce(pool, logger);
  } catch (err) {
    await pool.end().catch((endErr: unknown) => logger.warn({ err: endErr }, 'pool close after failure'));
    if (isOutage(err)) throw new UnavailableError(`${target} could not be reached`, { cause: err });
    throw err;
  }
  logger.info({ target }, 'database ready');

  let closed: Promise<void> | null = null;
  return {
    db: drizzle({ client: pool, schema }),
    driver: 'pg',
    target,
    pgPool: pool,
    close: () => {
      closed ??= pool.end();
      return closed;
    },
  };
}

/**
 * Migrates on one connection holding a session advisory lock, so processes starting together against the
 * same database apply each migration once instead of racing on CREATE TABLE. That connection runs without
 * the statement timeout (building an index on a large table may take minutes) and is discarded afterwards,
 * which also drops the lock if a failed migration still holds it.
 */
async function migrateOnce(pool: pg.Pool, logger: Logger): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SET statement_timeout = 0');
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    logger.debug('migrations applied');
  } finally {
    client.release(true);
  }
}
