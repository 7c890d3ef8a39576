import type { Alert } from '@vigil/core';
import { BACKTEST_LISTED, type BacktestList, backtestMatchKey } from '@vigil/core/rules';

const listOf = (alerts: readonly Alert[]): BacktestList => ({
  count: alerts.length,
  items: alerts.slice(0, BACKTEST_LISTED),
});

/**
 * The backtest's diff by (ruleId, key, window) (core's backtestMatchKey): `added` would have been raised and
 * was not, `removed` was raised and would not have been, `unchanged` both (listed as the tested rule has it).
 */
export function compareEpisodes(would: readonly Alert[], raised: readonly Alert[]) {
  const raisedKeys = new Set(raised.map(backtestMatchKey));
  const wouldKeys = new Set(would.map(backtestMatchKey));
  return {
    added: listOf(would.filter((a) => !raisedKeys.has(backtestMatchKey(a)))),
    removed: listOf(raised.filter((a) => !wouldKeys.has(backtestMatchKey(a)))),
    unchanged: listOf(would.filter((a) => raisedKeys.has(backtestMatchKey(a)))),
  };
}

export { listOf as backtestList };
