import { createTestDatabase, describeWith, services } from '@vigil/harness';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { runAuditLogContract } from './audit-log-contract.ts';
import { runIdentityStoreContract } from './identity-store-contract.ts';
import { openDatabase } from './open-database.ts';

// Each contract gets its own database, migrated from scratch by openDatabase. On a real pool the
// concurrent sign-in link test races on separate connections, which PGlite (one connection) cannot.
const openFresh = async (prefix: string) => {
  const testDb = await createTestDatabase(services().postgres!.url, prefix);
  const database = await openDatabase({ url: testDb.url, logger: pino({ level: 'silent' }) });
  const close = async () => {
    await database.close();
    await testDb.drop();
  };
  return { database, close };
};

describeWith(['postgres'])('PostgreSQL (node-postgres pool): identities and audit', () => {
  runIdentityStoreContract('PostgreSQL', async () => {
    const { database, close } = await openFresh('db-identity');
    return { identities: database.identities, close };
  });

  runAuditLogContract('PostgreSQL', async () => {
    const { database, close } = await openFresh('db-audit');
    return { audit: database.audit, execute: (statement) => database.db.execute(sql.raw(statement)), close };
  });
});
