import { sql } from 'drizzle-orm';
import pino from 'pino';
import { runAuditLogContract } from './audit-log-contract.ts';
import { runIdentityStoreContract } from './identity-store-contract.ts';
import { openDatabase } from './open-database.ts';

// PGlite in memory, one per contract (start + migrate takes a second or two); nothing here needs persistence.
const openInMemory = () => openDatabase({ logger: pino({ level: 'silent' }) });

runIdentityStoreContract('PGlite', async () => {
  const database = await openInMemory();
  return { identities: database.identities, close: () => database.close() };
});

runAuditLogContract('PGlite', async () => {
  const database = await openInMemory();
  return {
    audit: database.audit,
    execute: (statement) => database.db.execute(sql.raw(statement)),
    close: () => database.close(),
  };
});
