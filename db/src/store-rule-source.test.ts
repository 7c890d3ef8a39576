import type { VersionedRule } from '@vigil/core/rules';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openForSuite } from './contract-suite.ts';
import { openDatabase } from './open-database.ts';
import { createStoreRuleSource } from './store-rule-source.ts';

const rule = (threshold: number) => ({
  id: 'src.rule',
  title: 'Spike',
  source: 'logs',
  severity: 'high',
  kind: 'count',
  keyBy: ['service'],
  threshold,
  windowMs: 60_000,
});

const waitFor = async (ok: () => boolean) => {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(ok()).toBe(true);
};

describe('store rule source', () => {
  const opened = openForSuite(() => openDatabase({ logger: pino({ level: 'silent' }) }));

  it('loads what is in force and tells subscribers after each change, with versions', async () => {
    const store = opened().rules;
    await store.put(rule(5), { actor: 'alice' });
    let heads = 0;
    const counted = {
      loadInForce: () => store.loadInForce(),
      head: () => store.head().finally(() => heads++),
    };
    const source = createStoreRuleSource({ store: counted, logger: pino({ level: 'silent' }), pollMs: 20 });
    expect(await source.load()).toMatchObject([{ id: 'src.rule', threshold: 5, version: 1 }]);
    const seen: VersionedRule[][] = [];
    const unsubscribe = source.subscribe((rules) => seen.push(rules));
    // The first poll learns where the feed stands; only later changes are reported.
    await waitFor(() => heads >= 2);
    expect(seen).toEqual([]);
    await store.put(rule(7), { actor: 'alice' });
    await waitFor(() => seen.length === 1);
    expect(seen[0]).toMatchObject([{ threshold: 7, version: 2 }]);
    await store.setEnabled('src.rule', false, { actor: 'alice' });
    await waitFor(() => seen.length === 2);
    expect(seen[1]).toMatchObject([{ enabled: false, version: 3 }]);
    unsubscribe();
  });
});
