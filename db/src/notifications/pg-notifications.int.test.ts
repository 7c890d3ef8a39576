import { createTestDatabase, describeWith, services } from '@vigil/harness';
import pino from 'pino';
import { openDatabase } from '../open-database.ts';
import { createNotificationStore } from './notification-store.ts';
import { runNotificationStoreContract } from './notification-store-contract.ts';

// A real pool: concurrent claims race on separate connections, which PGlite (one connection) cannot.
describeWith(['postgres'])('PostgreSQL (node-postgres pool): notifications', () => {
  runNotificationStoreContract('PostgreSQL', async () => {
    const testDb = await createTestDatabase(services().postgres!.url, 'db-notify');
    const database = await openDatabase({ url: testDb.url, logger: pino({ level: 'silent' }) });
    return {
      notifications: createNotificationStore({ db: database.db, target: database.target }),
      alerts: database.store,
      async close() {
        await database.close();
        await testDb.drop();
      },
    };
  });
});
