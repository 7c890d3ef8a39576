import path from 'node:path';
import type { Archive } from '@vigil/core';
import type { Logger } from 'pino';
import { createFsArchive } from './fs-archive.ts';
import { createS3Archive, type S3ArchiveOptions } from './s3-archive.ts';

export interface CreateArchiveOptions {
  /** The S3 target; without a bucket the archive is files under `${dataDir}/archive`. */
  s3?: Omit<S3ArchiveOptions, 'logger' | 'bucket'> & { bucket?: string };
  dataDir: string;
  logger: Logger;
}

/** The archive variables every runnable reads (core's commonVars), as loadConfig parsed them. */
export interface ArchiveConfig {
  S3_BUCKET?: string;
  S3_REGION: string;
  S3_ENDPOINT?: string;
  S3_FORCE_PATH_STYLE?: boolean;
  DATA_DIR: string;
}

/** createArchive's options from a runnable's config, so the processor and the gateway read one archive alike. */
export function archiveOptionsOf(config: ArchiveConfig, logger: Logger): CreateArchiveOptions {
  return {
    s3: config.S3_BUCKET
      ? {
          bucket: config.S3_BUCKET,
          region: config.S3_REGION,
          endpoint: config.S3_ENDPOINT,
          // An S3-compatible server (MinIO, s3rver) rarely has virtual-host DNS for its buckets.
          forcePathStyle: config.S3_FORCE_PATH_STYLE ?? Boolean(config.S3_ENDPOINT),
        }
      : undefined,
    dataDir: config.DATA_DIR,
    logger,
  };
}

/** Picks the archive for the run mode: S3 when a bucket is configured (distributed), files otherwise (embedded). */
export function createArchive({ s3, dataDir, logger }: CreateArchiveOptions): Archive {
  if (s3?.bucket) {
    logger.info({ archive: 's3', bucket: s3.bucket, endpoint: s3.endpoint }, 'archive selected');
    return createS3Archive({ ...s3, bucket: s3.bucket, logger });
  }
  const root = path.join(dataDir, 'archive');
  logger.info({ archive: 'fs', root }, 'archive selected');
  return createFsArchive({ root, logger });
}
