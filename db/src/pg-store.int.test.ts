import { createTestDatabase, describeWith, services } from '@vigil/harness';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import pino from 'pino';
import { runAlertStoreContract } from './alert-store-contract.ts';
import { runEpisodesMigrationContract } from './episodes-migration-contract.ts';
import { runFoldPathsContract } from './fold-paths-contract.ts';
import { openDatabase } from './open-database.ts';
import * as schema from './schema.ts';
import { runSilenceStoreContract } from './silence-store-contract.ts';

describeWith(['postgres'])('PostgreSQL (node-postgres pool)', () => {
  // Each run gets its own database, migrated from scratch by openDatabase.
  runAlertStoreContract('PostgreSQL', async () => {
    const testDb = await createTestDatabase(services().postgres!.url, 'db-store');
    const database = await openDatabase({ url: testDb.url, logger: pino({ level: 'silent' }) });
    return {
      store: database.store,
      close: async () => {
        await database.close();
        await testDb.drop();
      },
    };
  });

  runSilenceStoreContract('PostgreSQL', async () => {
    const testDb = await createTestDatabase(services().postgres!.url, 'db-silences');
    const database = await openDatabase({ url: testDb.url, logger: pino({ level: 'silent' }) });
    return {
      store: database.store,
      silences: database.silences,
      close: async () => {
        await database.close();
        await testDb.drop();
      },
    };
  });

  runFoldPathsContract('PostgreSQL', async () => {
    const testDb = await createTestDatabase(services().postgres!.url, 'db-fold-paths');
    const database = await openDatabase({ url: testDb.url, logger: pino({ level: 'silent' }) });
    return {
      database,
      close: async () => {
        await database.close();
        await testDb.drop();
      },
    };
  });

  runEpisodesMigrationContract('PostgreSQL', async () => {
    const testDb = await createTestDatabase(services().postgres!.url, 'db-migration');
    const pool = new pg.Pool({ connectionString: testDb.url, max: 2 });
    const db = drizzle({ client: pool, schema });
    return {
      db,
      migrate: (folder) => migrate(db, { migrationsFolder: folder }),
      close: async () => {
        await pool.end();
        await testDb.drop();
      },
    };
  });
});
