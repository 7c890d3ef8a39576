import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import pino from 'pino';
import { runAlertStoreContract } from './alert-store-contract.ts';
import { runEpisodesMigrationContract } from './episodes-migration-contract.ts';
import { runFoldPathsContract } from './fold-paths-contract.ts';
import { openDatabase } from './open-database.ts';
import * as schema from './schema.ts';
import { runSilenceStoreContract } from './silence-store-contract.ts';

// One PGlite per file (start + migrate takes seconds), persisted in a fresh temp dir like DATA_DIR would be.
runAlertStoreContract('PGlite', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-db-'));
  const database = await openDatabase({ dataDir, logger: pino({ level: 'silent' }) });
  return {
    store: database.store,
    close: async () => {
      await database.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

runEpisodesMigrationContract('PGlite', async () => {
  const client = new PGlite();
  const db = drizzle({ client, schema });
  return { db, migrate: (folder) => migrate(db, { migrationsFolder: folder }), close: () => client.close() };
});

runSilenceStoreContract('PGlite', async () => {
  const database = await openDatabase({ logger: pino({ level: 'silent' }) });
  return { store: database.store, silences: database.silences, close: () => database.close() };
});

runFoldPathsContract('PGlite', async () => {
  const database = await openDatabase({ logger: pino({ level: 'silent' }) });
  return { database, close: () => database.close() };
});
