import { type Alert, ValidationError } from '@vigil/core';
import {
  canonicalJson,
  parseRule,
  type Rule,
  type RuleChange,
  type StoredRule,
  type VersionedRule,
  withRuleVersion,
} from '@vigil/core/rules';
import { and, asc, desc, eq, gte, lt, max, sql } from 'drizzle-orm';
import { alertColumns, fromRow } from './alert-row.ts';
import type { VigilDatabase } from './database.ts';
import { guardOutage } from './db-errors.ts';
import { planImport } from './rule-import.ts';
import type { RuleChangeContext, RuleStore } from './rule-store-port.ts';
import { ACTOR_MAX_CHARS, alerts, type RuleRow, rules, ruleVersions } from './schema.ts';

export interface RuleStoreOptions {
  db: VigilDatabase;
  /** Named in UnavailableError messages; never a URL with a password. */
  target?: string;
}

type Tx = Parameters<Parameters<VigilDatabase['transaction']>[0]>[0];

/**
 * Every rule write takes this transaction-scoped advisory lock first: writes are rare, and one lock makes
 * "next version number" and "seed only once" race-free on a pool, where two transactions would otherwise both
 * read the same max(version). Any 64-bit key no other code uses ("vigil.rules").
 */
const RULES_LOCK = 0x7669_6769_6c72;
/** An alert's first firing can be this far before it was detected (the engine's maxFutureSkewMs). */
const FUTURE_SKEW_MS = 60_000;

const stored = (row: RuleRow): StoredRule => ({
  rule: row.rule,
  version: row.version,
  enabled: row.enabled,
  updatedBy: row.updatedBy,
  updatedAt: row.updatedAt.toISOString(),
});

/** Two rules are the same when they parse to the same rule: key order and written-out defaults aside. */
export const sameRule = (a: unknown, b: unknown): boolean =>
  canonicalJson(parseRule(a)) === canonicalJson(parseRule(b));

const actorOf = (context: RuleChangeContext) => context.actor.slice(0, ACTOR_MAX_CHARS);
const atOf = (context: RuleChangeContext) => new Date(context.now ?? Date.now());

/** `enabled` as the rule JSON says it: the key left out when on (the default), `false` when off. */
function withEnabled(rule: Record<string, unknown>, enabled: boolean): Record<string, unknown> {
  const { enabled: _, ...rest } = rule;
  return enabled ? rest : { ...rest, enabled: false };
}

/** The rules store over Drizzle (RuleStore; processor/RULES.md "Managing rules"). */
export function createRuleStore(options: RuleStoreOptions): RuleStore {
  const { db } = options;
  const target = options.target ?? 'the database';
  const guard = <T>(what: string, run: () => Promise<T>) => guardOutage(what, target, run);

  const write = <T>(what: string, run: (tx: Tx) => Promise<T>) =>
    guard(what, () =>
      db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(${RULES_LOCK})`);
        return run(tx);
      }),
    );

  const current = async (tx: Tx | VigilDatabase, id: string) =>
    (await tx.select().from(rules).where(eq(rules.id, id)))[0] ?? null;

  /** Writes version n+1 of a rule and makes it the one in force (or removes it, for `deleted`). */
  async function record(
    tx: Tx,
    id: string,
    rule: Record<string, unknown>,
    change: RuleChange,
    context: RuleChangeContext,
  ): Promise<RuleRow> {
    const [last] = await tx
      .select({ version: max(ruleVersions.version) })
      .from(ruleVersions)
      .where(eq(ruleVersions.ruleId, id));
    const version = (last?.version ?? 0) + 1;
    const row: RuleRow = {
      id,
      version,
      enabled: parseRule(rule).enabled !== false,
      rule,
      updatedBy: actorOf(context),
      updatedAt: atOf(context),
    };
    await tx.insert(ruleVersions).values({
      ruleId: id,
      version,
      rule,
      change,
      changedBy: row.updatedBy,
      changedAt: row.updatedAt,
    });
    if (change === 'deleted') await tx.delete(rules).where(eq(rules.id, id));
    else
      await tx
        .insert(rules)
        .values(row)
        .onConflictDoUpdate({
          target: rules.id,
          set: {
            version: row.version,
            enabled: row.enabled,
            rule: row.rule,
            updatedBy: row.updatedBy,
            updatedAt: row.updatedAt,
          },
        });
    return row;
  }

  /** put's decision for one rule, inside the write transaction (import shares it). */
  async function putIn(tx: Tx, rule: Record<string, unknown>, context: RuleChangeContext) {
    const id = rule.id as string;
    const now = await current(tx, id);
    if (now && sameRule(now.rule, rule)) return { outcome: 'unchanged' as const, stored: stored(now) };
    const history = await tx
      .select({ rule: ruleVersions.rule, change: ruleVersions.change })
      .from(ruleVersions)
      .where(eq(ruleVersions.ruleId, id));
    const earlier = history.some((v) => v.change !== 'deleted' && sameRule(v.rule, rule));
    const outcome = earlier ? ('restored' as const) : now ? ('replaced' as const) : ('created' as const);
    return { outcome, stored: stored(await record(tx, id, rule, outcome, context)) };
  }

  const store: RuleStore = {
    list: () =>
      guard('list rules', async () => (await db.select().from(rules).orderBy(asc(rules.id))).map(stored)),

    get: (id) => guard('get rule', async () => (await current(db, id).then((r) => r && stored(r))) ?? null),

    put: async (input, context) => {
      parseRule(input); // every problem, before any lock is taken
      const rule = structuredClone(input) as Record<string, unknown>;
      return write('put rule', (tx) => putIn(tx, rule, context));
    },

    setEnabled: (id, enabled, context) =>
      write('set rule enabled', async (tx) => {
        const now = await current(tx, id);
        if (!now) return null;
        if (now.enabled === enabled) return { outcome: 'unchanged' as const, stored: stored(now) };
        const change = enabled ? 'enabled' : 'disabled';
        return {
          outcome: change,
          stored: stored(await record(tx, id, withEnabled(now.rule, enabled), change, context)),
        };
      }),

    delete: (id, context) =>
      write('delete rule', async (tx) => {
        const now = await current(tx, id);
        if (!now) return null;
        await record(tx, id, now.rule, 'deleted', context);
        return stored(now);
      }),

    versions: (id) =>
      guard('list rule versions', async () => {
        const rows = await db
          .select()
          .from(ruleVersions)
          .where(eq(ruleVersions.ruleId, id))
          .orderBy(desc(ruleVersions.version));
        return rows.map((row) => ({
          ruleId: row.ruleId,
          version: row.version,
          rule: row.rule,
          change: row.change as RuleChange,
          changedBy: row.changedBy,
          changedAt: row.changedAt.toISOString(),
        }));
      }),

    seed: (seedRules, now) =>
      write('seed rules', async (tx) => {
        const [any] = await tx.select({ seq: ruleVersions.seq }).from(ruleVersions).limit(1);
        if (any) return { seeded: false, count: 0 };
        const context = { actor: 'system', now };
        for (const rule of seedRules) await record(tx, rule.id, { ...rule }, 'created', context);
        return { seeded: true, count: seedRules.length };
      }),

    exportAll: async () => ({ version: 1, rules: (await store.list()).map((r) => r.rule) }),

    importSet: async (file, context) => {
      const inForce = await store.list();
      const plan = planImport(file, inForce);
      if (context.dryRun) return { ...plan.diff, applied: false };
      await write('import rules', async (tx) => {
        for (const rule of plan.puts) await putIn(tx, rule, context);
        for (const id of plan.diff.removed) {
          const now = await current(tx, id);
          if (now) await record(tx, id, now.rule, 'deleted', context);
        }
      });
      return { ...plan.diff, applied: true };
    },

    loadInForce: async () => {
      const inForce = await store.list();
      return inForce.map((r): VersionedRule => {
        try {
          return withRuleVersion(parseRule(r.rule) as Rule, r.version);
        } catch (err) {
          // Stored rules passed this parser when written; a stricter one after an upgrade names the rule.
          if (!(err instanceof ValidationError)) throw err;
          throw new ValidationError(`rule ${String(r.rule.id)} v${r.version} in the store: ${err.message}`, {
            details: err.details,
            cause: err,
          });
        }
      });
    },

    head: () =>
      guard('read rules head', async () => {
        const [row] = await db.select({ seq: max(ruleVersions.seq) }).from(ruleVersions);
        return Number(row?.seq ?? 0);
      }),

    raisedAlerts: (query) =>
      guard('list alerts of a rule', async () => {
        const conditions = [
          eq(alerts.ruleId, query.ruleId),
          gte(alerts.firstSeenAt, query.from),
          lt(alerts.firstSeenAt, query.to),
          // Served by the (rule_id, detected_at) index: detection never precedes the first firing by more.
          gte(alerts.detectedAt, new Date(query.from.getTime() - FUTURE_SKEW_MS)),
        ];
        if (query.ruleVersion !== undefined) conditions.push(eq(alerts.ruleVersion, query.ruleVersion));
        const rows = await db
          .select(alertColumns)
          .from(alerts)
          .where(and(...conditions))
          .orderBy(asc(alerts.firstSeenAt), asc(alerts.id))
          .limit(query.limit);
        return rows.map((row): Alert => fromRow(row));
      }),
  };
  return store;
}
