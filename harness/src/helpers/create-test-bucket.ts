import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { type S3Endpoints, s3ClientConfig } from '../s3/s3-endpoints.ts';
import { uniqueName } from './unique-name.ts';

/** Creates an empty bucket with a unique name and returns the name. */
export const createTestBucket = async (s3: S3Endpoints, prefix = 'test'): Promise<string> => {
  const bucket = uniqueName(prefix);
  const client = new S3Client(s3ClientConfig(s3));
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } finally {
    client.destroy();
  }
  return bucket;
};
