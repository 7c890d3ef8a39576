// The backtest (processor/RULES.md, "Backtest"): a rule replayed over the archive through the engine.
export { type ArchivedObject, listObjects } from './archive-replay.ts';
export { type BacktestAnswerInput, backtestAnswer } from './backtest-answer.ts';
export { type BacktestLimits, DEFAULT_BACKTEST_LIMITS } from './backtest-limits.ts';
export { compareEpisodes } from './compare-episodes.ts';
export { foldEpisodes } from './fold-episodes.ts';
export { type ReplayedRule, type ReplayRuleOptions, replayRule } from './replay-rule.ts';
