import pino from 'pino';
import { runEventStoreContract } from './event-store-contract.ts';
import { openDatabase } from './open-database.ts';

runEventStoreContract('PGlite', async () => {
  const database = await openDatabase({ logger: pino({ level: 'silent' }) });
  return { events: database.events, close: () => database.close() };
});
