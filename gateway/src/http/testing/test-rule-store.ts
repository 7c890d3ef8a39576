import { randomBytes } from 'node:crypto';
import type { HttpRuleStore } from '../rules-routes.ts';
import { openTestDatabase } from './test-alert-store.ts';

/** The rules store of the file's shared test database (test-alert-store.ts), opened on first use. */
export function testRuleStore(): HttpRuleStore {
  const rules = async () => (await openTestDatabase()).rules;
  return {
    list: async () => (await rules()).list(),
    get: async (...args) => (await rules()).get(...args),
    put: async (...args) => (await rules()).put(...args),
    setEnabled: async (...args) => (await rules()).setEnabled(...args),
    delete: async (...args) => (await rules()).delete(...args),
    versions: async (...args) => (await rules()).versions(...args),
    exportAll: async () => (await rules()).exportAll(),
    importSet: async (...args) => (await rules()).importSet(...args),
    raisedAlerts: async (...args) => (await rules()).raisedAlerts(...args),
  };
}

/** A valid count rule with a fresh id (`test.<hex>`) unless one is given. */
export const exampleRule = (id = `test.${randomBytes(4).toString('hex')}`, threshold = 20) => ({
  id,
  title: 'Error spike',
  source: 'logs' as const,
  severity: 'high' as const,
  kind: 'count' as const,
  where: { field: 'level', in: ['ERROR', 'CRITICAL'] },
  keyBy: ['service'],
  threshold,
  windowMs: 180_000,
});

/** A rule put into the shared store for an example to read or change; answers its id. */
export async function storedExampleRule(): Promise<string> {
  const rule = exampleRule();
  await (await openTestDatabase()).rules.put(rule, { actor: 'setup' });
  return rule.id;
}
