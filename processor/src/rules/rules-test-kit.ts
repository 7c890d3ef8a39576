import type { Source } from '@vigil/core';
import type { Rule } from '@vigil/core/rules';
import { defaultRules } from '@vigil/core/rules';
import type { EventRecord } from './condition.ts';
import type { Evaluation } from './engine-types.ts';
import { createRuleEngine, type RuleEngineOptions } from './rule-engine.ts';

/** Test support shared by the rule tests: a stepped clock, event builders and an engine over chosen rules. */
export const T0 = Date.parse('2026-11-21T14:00:00.000Z');
export const SECOND = 1000;
export const MINUTE = 60_000;
export const iso = (offsetMs: number) => new Date(T0 + offsetMs).toISOString();

export const log = (at: number, fields: Record<string, unknown> = {}): EventRecord => ({
  ts: iso(at),
  service: 'payments',
  level: 'ERROR',
  message: 'charge declined',
  userId: 'u1',
  ...fields,
});
export const metric = (at: number, fields: Record<string, unknown> = {}): EventRecord => ({
  ts: iso(at),
  service: 'payments',
  host: 'pay-1',
  cpu: 50,
  latencyMs: 100,
  ...fields,
});
export const transaction = (at: number, fields: Record<string, unknown> = {}): EventRecord => ({
  ts: iso(at),
  userId: 'u1',
  amount: 20,
  currency: 'EUR',
  ...fields,
});
export const security = (at: number, fields: Record<string, unknown> = {}): EventRecord => ({
  ts: iso(at),
  ip: '10.0.0.7',
  action: 'login_failure',
  userId: 'u1',
  ...fields,
});

export function rulesById(...ids: string[]): Rule[] {
  const all = defaultRules();
  return ids.map((id) => {
    const rule = all.find((r) => r.id === id);
    if (!rule) throw new Error(`no default rule ${id}`);
    return rule;
  });
}

/** An engine over the given rules whose clock is `clock.now` (default: a day after T0, never the limit). */
export function harness(rules: Rule[], options: Partial<Omit<RuleEngineOptions, 'rules' | 'now'>> = {}) {
  const clock = { now: T0 + 24 * 60 * MINUTE };
  const engine = createRuleEngine({ rules, now: () => clock.now, ...options });
  const offsets = new Map<string, number>();
  const evaluate = (source: Source, event: EventRecord): Evaluation => {
    const topic = `events.${source}`;
    const offset = offsets.get(topic) ?? 0;
    offsets.set(topic, offset + 1);
    return engine.evaluate({ source, event, ref: { topic, partition: 0, offset: String(offset) } });
  };
  /** Feeds events in order and returns every alert they caused. */
  const feed = (source: Source, events: EventRecord[]) =>
    events.flatMap((event) => evaluate(source, event).alerts);
  return { engine, clock, evaluate, feed };
}
