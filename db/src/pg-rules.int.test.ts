import { createTestDatabase, describeWith, services } from '@vigil/harness';
import pino from 'pino';
import { openDatabase } from './open-database.ts';
import { runRuleStoreContract } from './rule-store-contract.ts';

// A fresh database migrated from scratch: on a real pool the racing seeds and puts run on separate
// connections, which PGlite (one connection) cannot show.
describeWith(['postgres'])('PostgreSQL (node-postgres pool): rules', () => {
  runRuleStoreContract('PostgreSQL', async () => {
    const testDb = await createTestDatabase(services().postgres!.url, 'db-rules');
    const database = await openDatabase({ url: testDb.url, logger: pino({ level: 'silent' }) });
    return {
      rules: database.rules,
      alerts: database.store,
      close: async () => {
        await database.close();
        await testDb.drop();
      },
    };
  });
});
