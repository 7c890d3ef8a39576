import type { BacktestResult, RuleChange, RuleVersionEntry } from '@vigil/core/rules';
import type { Http } from './http.ts';
import { listIn, type Rule, readRules } from './normalize.ts';

// The rules routes' answers (gateway/README.md, "HTTP: rules"), read leniently like every other REST answer.

/** A rule in force: core's Rule (defaults filled in) and what the store knows of it. */
export type RuleInForce = Rule & { version: number; updatedBy: string | null; updatedAt: string | null };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The rules of `GET /api/rules`, each with its version (1 from a gateway that sends none). */
export function readRulesInForce(body: unknown): RuleInForce[] {
  return readRules(body).map((rule) => {
    const r = rule as Rule & Record<string, unknown>;
    return {
      ...rule,
      version: typeof r.version === 'number' ? r.version : 1,
      updatedBy: typeof r.updatedBy === 'string' ? r.updatedBy : null,
      updatedAt: typeof r.updatedAt === 'string' ? r.updatedAt : null,
    };
  });
}

const one = (value: unknown): RuleInForce | null => readRulesInForce({ items: [value] })[0] ?? null;

export interface RuleSaved {
  outcome: 'created' | 'replaced' | 'restored' | 'unchanged' | 'enabled' | 'disabled';
  rule: RuleInForce;
}

function readSaved(body: unknown): RuleSaved {
  const rule = isObject(body) ? one(body.rule) : null;
  if (!rule || !isObject(body) || typeof body.outcome !== 'string') {
    throw new Error('the gateway answered something that is not a saved rule');
  }
  return { outcome: body.outcome as RuleSaved['outcome'], rule };
}

export function readVersions(body: unknown): RuleVersionEntry[] {
  return listIn(body, ['items']).filter(
    (v): v is RuleVersionEntry =>
      isObject(v) && typeof v.version === 'number' && isObject(v.rule) && typeof v.change === 'string',
  ) as RuleVersionEntry[];
}

export type { BacktestResult, RuleChange, RuleVersionEntry };

/** `/api/rules…`: viewers read, admins change and backtest. */
export function createRuleClient(http: Http) {
  const path = (id: string) => `/api/rules/${encodeURIComponent(id)}`;
  return {
    async list(signal?: AbortSignal): Promise<RuleInForce[]> {
      return readRulesInForce(await http('/api/rules', { signal }));
    },
    async get(id: string, signal?: AbortSignal): Promise<RuleInForce | null> {
      return one(await http(path(id), { signal }));
    },
    async put(id: string, rule: Record<string, unknown>): Promise<RuleSaved> {
      return readSaved(await http(path(id), { method: 'PUT', body: rule }));
    },
    async setEnabled(id: string, enabled: boolean): Promise<RuleSaved> {
      return readSaved(await http(path(id), { method: 'PATCH', body: { enabled } }));
    },
    async versions(id: string, signal?: AbortSignal): Promise<RuleVersionEntry[]> {
      return readVersions(await http(`${path(id)}/versions`, { signal }));
    },
    async backtest(rule: Record<string, unknown>, from: string, to: string, signal?: AbortSignal) {
      return (await http('/api/rules/backtest', {
        method: 'POST',
        body: { rule, from, to },
        signal,
      })) as BacktestResult;
    },
  };
}

export type RuleClient = ReturnType<typeof createRuleClient>;
