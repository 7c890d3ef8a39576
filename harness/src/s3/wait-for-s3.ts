import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { type S3Endpoints, s3ClientConfig } from './s3-endpoints.ts';

/** Resolves once the S3 endpoint answers ListBuckets with these credentials; rejects at the deadline. */
export const waitForS3 = async (options: { s3: S3Endpoints; deadlineMs: number }): Promise<void> => {
  const client = new S3Client({ ...s3ClientConfig(options.s3), maxAttempts: 1 });
  const deadline = Date.now() + options.deadlineMs;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      try {
        await client.send(new ListBucketsCommand({}));
        return;
      } catch (error) {
        lastError = error; // not reachable yet, or bad credentials: reported at the deadline
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    client.destroy();
  }
  throw new Error(
    `S3 at ${options.s3.endpoint} did not answer within ${options.deadlineMs} ms: ${String(lastError)}`,
  );
};
