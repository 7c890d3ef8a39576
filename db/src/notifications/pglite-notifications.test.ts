import pino from 'pino';
import { openDatabase } from '../open-database.ts';
import { createNotificationStore } from './notification-store.ts';
import { runNotificationStoreContract } from './notification-store-contract.ts';

runNotificationStoreContract('PGlite', async () => {
  const database = await openDatabase({ logger: pino({ level: 'silent' }) });
  return {
    notifications: createNotificationStore({ db: database.db, target: database.target }),
    alerts: database.store,
    close: () => database.close(),
  };
});
