export type { ArchiveLimits } from './archive/raw-archiver.ts';
export {
  type BacktestAnswerInput,
  type BacktestLimits,
  backtestAnswer,
  DEFAULT_BACKTEST_LIMITS,
  type ReplayedRule,
  type ReplayRuleOptions,
  replayRule,
} from './backtest/index.ts';
export {
  createEventIndexer,
  type EventIndexer,
  type EventIndexerOptions,
  INDEXER_GROUP_ID,
  indexedEventOf,
} from './indexer/event-indexer.ts';
export type {
  AlertWriter,
  EventProcessor,
  PartitionHealth,
  ProcessorHealth,
} from './pipeline/event-processor.ts';
export { DEFAULT_STALL_AFTER_MS } from './pipeline/partition-health.ts';
export {
  createProcessorService,
  DEFAULT_GROUP_ID,
  keyedGroupId,
  type ProcessorServiceOptions,
  replayWindowMs,
} from './processor-service.ts';
