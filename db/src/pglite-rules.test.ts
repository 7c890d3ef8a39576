import pino from 'pino';
import { openDatabase } from './open-database.ts';
import { runRuleStoreContract } from './rule-store-contract.ts';

runRuleStoreContract('PGlite', async () => {
  // In memory: a database no rule was ever written to, as the suite needs.
  const database = await openDatabase({ logger: pino({ level: 'silent' }) });
  return { rules: database.rules, alerts: database.store, close: () => database.close() };
});
