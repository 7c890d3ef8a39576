import { createTestDatabase, describeWith, services } from '@vigil/harness';
import pino from 'pino';
import { runAlertStoreContract } from './alert-store-contract.ts';
import { openDatabase } from './open-database.ts';

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
});
