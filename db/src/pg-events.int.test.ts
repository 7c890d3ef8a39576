import { createTestDatabase, describeWith, services } from '@vigil/harness';
import pino from 'pino';
import { runEventStoreContract } from './event-store-contract.ts';
import { openDatabase } from './open-database.ts';

describeWith(['postgres'])('PostgreSQL (node-postgres pool): events', () => {
  runEventStoreContract('PostgreSQL', async () => {
    const testDb = await createTestDatabase(services().postgres!.url, 'db-events');
    const database = await openDatabase({ url: testDb.url, logger: pino({ level: 'silent' }) });
    return {
      events: database.events,
      close: async () => {
        await database.close();
        await testDb.drop();
      },
    };
  });
});
