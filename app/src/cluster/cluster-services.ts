import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { provisionServices, s3ClientConfig } from '@vigil/harness/programs';
import type { ClusterServices } from './cluster-env.ts';

export interface ProvidedServices {
  services: ClusterServices;
  /** Stops what was started here; nothing for services the caller gave. */
  stop(): Promise<void>;
}

/**
 * The caller's services, or the harness's: provisionServices starts Kafka, PostgreSQL and s3rver (or
 * checks the ones named by KAFKA_BROKERS, DATABASE_URL and S3_ENDPOINT in `env`), exactly as
 * `npm run services` does. A cluster cannot run without all three, so a missing one is an error.
 */
export const provideServices = async (options: {
  services?: ClusterServices;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}): Promise<ProvidedServices> => {
  if (options.services) return { services: options.services, stop: async () => {} };
  const provisioned = await provisionServices({ env: options.env, log: options.log });
  const { kafka, postgres, s3, missing } = provisioned.endpoints;
  if (!kafka || !postgres || !s3) {
    await provisioned.stop();
    throw new Error(`the cluster needs Kafka, PostgreSQL and S3:\n- ${missing.join('\n- ')}`);
  }
  return { services: { kafka, postgres, s3 }, stop: provisioned.stop };
};

/** S3 error names for "it is there already", which is all a cluster start needs. */
const EXISTS = new Set(['BucketAlreadyOwnedByYou', 'BucketAlreadyExists']);

/** Creates the archive bucket unless it exists (a test's own bucket, or one left by an earlier run). */
export const ensureBucket = async (services: ClusterServices, bucket: string): Promise<void> => {
  const client = new S3Client(s3ClientConfig(services.s3));
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if (!EXISTS.has((error as Error).name)) throw error;
  } finally {
    client.destroy();
  }
};
