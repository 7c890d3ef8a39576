import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { runAlertStoreContract } from './alert-store-contract.ts';
import { openDatabase } from './open-database.ts';

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
