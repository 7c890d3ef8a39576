import type { Alert } from '@vigil/core';
import type { BacktestResult } from '@vigil/core/rules';
import { backtestList, compareEpisodes } from './compare-episodes.ts';
import type { ReplayedRule } from './replay-rule.ts';

export interface BacktestAnswerInput {
  ruleId: string;
  from: number;
  to: number;
  replay: ReplayedRule;
  /** The rule id in force: its version, and the episodes that version opened in the range (oldest first). */
  current: { version: number; raised: readonly Alert[]; truncated: boolean } | null;
}

/** The answer of `POST /api/rules/backtest` from a replay and what was actually raised. */
export function backtestAnswer(input: BacktestAnswerInput): BacktestResult {
  const raised = input.current?.raised ?? [];
  return {
    rule: { id: input.ruleId, version: input.current?.version ?? null },
    range: { from: new Date(input.from).toISOString(), to: new Date(input.to).toISOString() },
    folding: 'episodes',
    replay: input.replay.stats,
    stopped: input.replay.stopped,
    wouldRaise: backtestList(input.replay.episodes),
    raised: {
      ...backtestList(raised),
      ruleVersion: input.current?.version ?? null,
      truncated: input.current?.truncated ?? false,
    },
    diff: compareEpisodes(input.replay.episodes, raised),
  };
}
