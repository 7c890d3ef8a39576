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
