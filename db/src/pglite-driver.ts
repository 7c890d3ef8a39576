import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { UnavailableError } from '@vigil/core';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import type { Logger } from 'pino';
import type { DriverHandle } from './database.ts';
import { MIGRATIONS_FOLDER } from './migrations-folder.ts';
import { startPgliteAnalyze } from './pglite-analyze.ts';
import * as schema from './schema.ts';

export interface PgliteDriverOptions {
  /** The database lives in `${dataDir}/pg`; absent means in memory (tests only: nothing is persisted). */
  dataDir?: string;
  logger: Logger;
}

/**
 * Opens PGlite (PostgreSQL in WASM, in this process) and applies pending migrations. One process per
 * directory: PGlite takes no lock, so two processes on the same `dataDir` corrupt it.
 */
export async function openPgliteDriver(options: PgliteDriverOptions): Promise<DriverHandle> {
  const logger = options.logger;
  const dir = options.dataDir === undefined ? null : resolve(join(options.dataDir, 'pg'));
  const target = dir ? `PGlite in ${dir}` : 'PGlite in memory';
  let client: PGlite;
  try {
    if (dir) await mkdir(dir, { recursive: true });
    client = await PGlite.create(dir ?? undefined);
  } catch (err) {
    throw new UnavailableError(`${target} could not be opened`, { cause: err });
  }
  const db = drizzle({ client, schema });
  let afterInsert: (inserted: number) => Promise<void>;
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
    afterInsert = await startPgliteAnalyze(client, logger);
  } catch (err) {
    await client
      .close()
      .catch((closeErr: unknown) => logger.warn({ err: closeErr }, 'PGlite close after failure'));
    throw err;
  }
  if (!dir) logger.warn('PGlite in memory: nothing is persisted');
  logger.info({ target }, 'database ready');

  let closed: Promise<void> | null = null;
  return {
    db,
    driver: 'pglite',
    target,
    afterInsert,
    close: () => {
      closed ??= client.close();
      return closed;
    },
  };
}
