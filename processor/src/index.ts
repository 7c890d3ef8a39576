export type { ArchiveLimits } from './archive/raw-archiver.ts';
export { DLQ_HEADERS } from './pipeline/dead-letter.ts';
export {
  type AlertWriter,
  type EventProcessor,
  INGESTED_AT_HEADER,
  type PartitionHealth,
  type ProcessorHealth,
} from './pipeline/event-processor.ts';
export { DEFAULT_STALL_AFTER_MS } from './pipeline/partition-health.ts';
export {
  createProcessorService,
  DEFAULT_GROUP_ID,
  type ProcessorServiceOptions,
  replayWindowMs,
} from './processor-service.ts';
export { defaultRules, loadRules } from './rules/index.ts';
