/**
 * Test-only entry: the real stand-alone processor (start-processor.ts, under runMain) except that its rule
 * engine has a bug: evaluating a transaction of the user `bug-user` throws a TypeError, as a rule reading a
 * field of undefined would. fatal-exit.int.test.ts spawns it to check that a bug stops the process with
 * exit code 1 instead of redelivering the batch forever. Never used outside tests.
 */
import { runMain } from '@vigil/adapters';
import { defaultRules } from '@vigil/core/rules';
import type { RuleEvaluator } from '../pipeline/event-processor.ts';
import { createRuleEngine } from '../rules/index.ts';
import { planRepartition } from '../rules/repartition-plan.ts';
import { startProcessor } from '../start-processor.ts';

export const BUG_USER = 'bug-user';

function withBug(engine: RuleEvaluator): RuleEvaluator {
  return {
    evaluate(input) {
      if ((input.event as { userId?: unknown }).userId === BUG_USER) {
        const rule = undefined as unknown as { threshold: number };
        if (rule.threshold > 0) return { alerts: [] }; // TypeError: Cannot read properties of undefined
      }
      return engine.evaluate(input);
    },
  };
}

runMain('processor', (fail) =>
  startProcessor(process.env, fail, {
    // Stage one's engine: the per-event rules (the windowed ones run in stage two, unchanged).
    createEngine: () =>
      withBug(createRuleEngine({ rules: planRepartition(defaultRules()).perEvent, now: Date.now })),
  }),
);
