// Archive
export {
  type ParsedRawBatchKey,
  parseRawBatchKey,
  type RawBatch,
  rawBatchKey,
  rawBatchPrefix,
} from './archive/archive-key.ts';
export {
  type ArchiveConfig,
  archiveOptionsOf,
  type CreateArchiveOptions,
  createArchive,
} from './archive/create-archive.ts';
export { createFsArchive, type FsArchiveOptions } from './archive/fs-archive.ts';
export { createS3Archive, type S3ArchiveOptions } from './archive/s3-archive.ts';
// Bus
export { type CreateBusOptions, createBus } from './bus/create-bus.ts';
export { createKafkaBus, type KafkaBusOptions } from './bus/kafka-bus.ts';
export type { KafkaConsumerTuning } from './bus/kafka-consumer.ts';
export { partitionForKey } from './bus/key-partition.ts';
export {
  busFullError,
  createMemoryBus,
  DEFAULT_MAX_BATCH_SIZE,
  DEFAULT_RETENTION,
  type MemoryBus,
  type MemoryBusOptions,
} from './bus/memory-bus.ts';
// Rules file (RULES_FILE)
export { loadRules } from './load-rules.ts';
// Logger
export { createLogger, type LoggerOptions } from './logger.ts';
// /metrics and /health of a runnable without the gateway (processor, indexer, notifier)
export { createMetricsServer } from './metrics-server.ts';
export { retryTransient } from './retry-transient.ts';
export { type Running, runMain } from './run-main.ts';
