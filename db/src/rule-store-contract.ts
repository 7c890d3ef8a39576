import { randomBytes } from 'node:crypto';
import { ValidationError } from '@vigil/core';
import { defaultRules, RULE_CHANGES } from '@vigil/core/rules';
import { describe, expect, it } from 'vitest';
import { makeAlert } from './alert-fixtures.ts';
import type { AlertStore } from './alert-store-port.ts';
import { openForSuite } from './contract-suite.ts';
import type { RuleStore } from './rule-store-port.ts';

export interface OpenedRuleStore {
  /** On a database no rule was ever written to: the suite seeds it first. */
  rules: RuleStore;
  /** The alert store of the same database (raisedAlerts reads its episodes). */
  alerts: AlertStore;
  close(): Promise<void>;
}

const T0 = Date.UTC(2031, 0, 1);

/** A valid count rule; `id` unique per call unless given. */
const countRule = (id = `t.${randomBytes(4).toString('hex')}`, threshold = 20) => ({
  id,
  title: 'Error spike',
  source: 'logs',
  severity: 'high',
  kind: 'count',
  where: { field: 'level', in: ['ERROR', 'CRITICAL'] },
  keyBy: ['service'],
  threshold,
  windowMs: 180_000,
});

/** The behaviour every RuleStore must have (processor/RULES.md, "Managing rules"). */
export function runRuleStoreContract(name: string, open: () => Promise<OpenedRuleStore>): void {
  describe(`RuleStore contract: ${name}`, { timeout: 30_000 }, () => {
    const opened = openForSuite(open);
    const store = (): RuleStore => opened().rules;
    const alice = { actor: 'alice', now: T0 };

    describe('seed (first start)', () => {
      it('stores the rules as version 1 by system, once, even when starts race', async () => {
        const rules = defaultRules();
        const results = await Promise.all([store().seed(rules, T0), store().seed(rules, T0)]);
        expect(results.map((r) => r.seeded).sort()).toEqual([false, true]);
        expect(results.find((r) => r.seeded)?.count).toBe(rules.length);
        const listed = await store().list();
        expect(listed.map((r) => r.rule.id)).toEqual(rules.map((r) => r.id).sort());
        expect(listed.every((r) => r.version === 1 && r.updatedBy === 'system')).toBe(true);
        const [first] = await store().versions(rules[0]!.id);
        expect(first).toMatchObject({ version: 1, change: 'created', changedBy: 'system' });
        expect(await store().seed(rules, T0)).toEqual({ seeded: false, count: 0 });
      });

      it('loads what is in force parsed, each rule with its version', async () => {
        const loaded = await store().loadInForce();
        const defaults = new Map(defaultRules().map((r) => [r.id, r]));
        for (const rule of loaded) expect(rule).toEqual({ ...defaults.get(rule.id), version: 1 });
      });
    });

    describe('put', () => {
      it('creates, replaces, and an unchanged rule (key order, defaults written out) makes no version', async () => {
        const rule = countRule();
        const created = await store().put(rule, alice);
        expect(created).toMatchObject({ outcome: 'created', stored: { version: 1, enabled: true } });
        expect(created.stored).toMatchObject({ updatedBy: 'alice', updatedAt: new Date(T0).toISOString() });
        const reordered = Object.fromEntries(Object.entries(rule).reverse());
        expect((await store().put({ ...reordered, enabled: true }, alice)).outcome).toBe('unchanged');
        const replaced = await store().put({ ...rule, threshold: 10 }, { actor: 'token:ci', now: T0 + 1 });
        expect(replaced).toMatchObject({
          outcome: 'replaced',
          stored: { version: 2, updatedBy: 'token:ci' },
        });
        expect((await store().get(rule.id))?.rule).toEqual({ ...rule, threshold: 10 });
        expect((await store().loadInForce()).find((r) => r.id === rule.id)).toMatchObject({
          threshold: 10,
          version: 2,
        });
      });

      it('putting an earlier version back is a restore', async () => {
        const rule = countRule();
        await store().put(rule, alice);
        await store().put({ ...rule, threshold: 5 }, alice);
        const restored = await store().put(rule, alice);
        expect(restored).toMatchObject({ outcome: 'restored', stored: { version: 3 } });
      });

      it('refuses an invalid rule with every problem by field, writing nothing', async () => {
        const { windowMs: _, ...rule } = countRule();
        const err = await store()
          .put({ ...rule, windowMS: 1 }, alice)
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).details).toEqual({
          problems: expect.arrayContaining([
            { field: 'windowMs', reason: 'missing' },
            { field: 'windowMS', reason: 'not a field of count rules (did you mean "windowMs"?)' },
          ]),
        });
        expect(await store().get(rule.id)).toBeNull();
        expect(await store().versions(rule.id)).toEqual([]);
      });
    });

    describe('enable, disable, delete, versions', () => {
      it('records each change as a version, newest first, with who and when', async () => {
        const rule = countRule();
        await store().put(rule, alice);
        const off = await store().setEnabled(rule.id, false, { actor: 'bob', now: T0 + 10 });
        expect(off).toMatchObject({ outcome: 'disabled', stored: { version: 2, enabled: false } });
        expect(off?.stored.rule).toEqual({ ...rule, enabled: false });
        expect((await store().setEnabled(rule.id, false, alice))?.outcome).toBe('unchanged');
        expect((await store().loadInForce()).find((r) => r.id === rule.id)?.enabled).toBe(false);
        const on = await store().setEnabled(rule.id, true, { actor: 'bob', now: T0 + 20 });
        expect(on).toMatchObject({ outcome: 'enabled', stored: { version: 3, enabled: true } });
        expect(on?.stored.rule).toEqual(rule);

        const deleted = await store().delete(rule.id, { actor: 'carol', now: T0 + 30 });
        expect(deleted).toMatchObject({ version: 3 });
        expect(await store().get(rule.id)).toBeNull();
        expect(await store().delete(rule.id, alice)).toBeNull();
        expect(await store().setEnabled(rule.id, true, alice)).toBeNull();
        expect((await store().list()).some((r) => r.rule.id === rule.id)).toBe(false);

        // Created again: numbering continues; as it was before: a restore.
        expect(await store().put(rule, alice)).toMatchObject({ outcome: 'restored', stored: { version: 5 } });
        const versions = await store().versions(rule.id);
        expect(versions.map((v) => [v.version, v.change, v.changedBy])).toEqual([
          [5, 'restored', 'alice'],
          [4, 'deleted', 'carol'],
          [3, 'enabled', 'bob'],
          [2, 'disabled', 'bob'],
          [1, 'created', 'alice'],
        ]);
        expect(versions[1]).toMatchObject({ rule, changedAt: new Date(T0 + 30).toISOString() });
      });

      it('every change kind round-trips the table check', async () => {
        expect(RULE_CHANGES).toEqual(['created', 'replaced', 'enabled', 'disabled', 'deleted', 'restored']);
      });

      it('concurrent puts of one new id give distinct versions', async () => {
        const id = countRule().id;
        const results = await Promise.all([1, 2, 3, 4].map((n) => store().put(countRule(id, n), alice)));
        expect(results.map((r) => r.stored.version).sort()).toEqual([1, 2, 3, 4]);
        expect((await store().versions(id)).map((v) => v.version)).toEqual([4, 3, 2, 1]);
      });
    });

    describe('change feed', () => {
      it('head moves with every version and only then', async () => {
        const before = await store().head();
        const rule = countRule();
        await store().put(rule, alice);
        const after = await store().head();
        expect(after).toBeGreaterThan(before);
        await store().put(rule, alice); // unchanged
        expect(await store().head()).toBe(after);
      });
    });

    describe('raisedAlerts', () => {
      it('episodes of one rule whose first firing is in the range, of one version if asked, oldest first', async () => {
        const ruleId = countRule().id;
        const at = (ms: number) => new Date(T0 + ms).toISOString();
        const alert = (ms: number, overrides = {}) =>
          makeAlert({ ruleId, eventTime: at(ms), detectedAt: at(ms + 5), ...overrides });
        const inRange = [alert(2_000), alert(1_000, { ruleVersion: 2 })];
        await opened().alerts.insertAlerts([
          ...inRange,
          alert(-1),
          alert(3_600_000),
          alert(1_500, { ruleId: `${ruleId}x` }),
        ]);
        const query = { ruleId, from: new Date(T0), to: new Date(T0 + 3_600_000), limit: 10 };
        expect((await store().raisedAlerts(query)).map((a) => a.id)).toEqual([
          inRange[1]!.id,
          inRange[0]!.id,
        ]);
        expect((await store().raisedAlerts({ ...query, ruleVersion: 2 })).map((a) => a.id)).toEqual([
          inRange[1]!.id,
        ]);
        expect(await store().raisedAlerts({ ...query, limit: 1 })).toHaveLength(1);
      });
    });

    describe('export and import', () => {
      it('exports the set in force; a dry run diffs by id and writes nothing; applying makes the file the set', async () => {
        const exported = await store().exportAll();
        expect(exported.version).toBe(1);
        const ids = exported.rules.map((r) => r.id as string);
        expect(ids).toEqual([...ids].sort());
        const [keep, change, ...rest] = exported.rules;
        const added = countRule();
        const file = {
          version: 1,
          rules: [{ ...keep }, { ...change, title: 'Changed title' }, added, { ...rest[0] }],
        };
        const head = await store().head();
        const dry = await store().importSet(file, { ...alice, dryRun: true });
        const removed = rest.slice(1).map((r) => r.id as string);
        expect(dry).toEqual({
          added: [added.id],
          changed: [change!.id],
          removed: removed.sort(),
          unchanged: [keep!.id, rest[0]!.id].sort(),
          applied: false,
        });
        expect(await store().head()).toBe(head);

        expect(await store().importSet(file, { actor: 'token:ci', dryRun: false })).toMatchObject({
          applied: true,
        });
        const now = await store().list();
        expect(now.map((r) => r.rule.id)).toEqual([keep!.id, change!.id, added.id, rest[0]!.id].sort());
        expect(now.find((r) => r.rule.id === change!.id)).toMatchObject({ updatedBy: 'token:ci' });
        expect((await store().versions(removed[0]!))[0]).toMatchObject({ change: 'deleted' });
        expect(await store().importSet(file, { ...alice, dryRun: false })).toMatchObject({
          added: [],
          changed: [],
          removed: [],
        });
      });

      it('refuses an invalid file with every problem and writes nothing', async () => {
        const head = await store().head();
        const rule = countRule();
        const err = await store()
          .importSet({ version: 1, rules: [rule, { ...rule }, { id: 'bad' }] }, { ...alice, dryRun: false })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(ValidationError);
        expect(((err as ValidationError).details as string[]).join('\n')).toMatch(/duplicate id[\s\S]*kind/);
        expect(await store().head()).toBe(head);
      });
    });
  });
}
