/**
 * `npm run services`: starts Kafka, PostgreSQL and s3rver for a local run of the distributed
 * mode, prints the env vars to export, and stops everything on Ctrl-C.
 */
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { provisionServices } from './provision.ts';
import { s3ClientConfig } from './s3/s3-endpoints.ts';

const BUCKET = 'vigil-local';

const log = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

const { endpoints, stop } = await provisionServices({ env: process.env, log });
const lines: string[] = [];
if (endpoints.kafka) lines.push(`export KAFKA_BROKERS=${endpoints.kafka.brokers.join(',')}`);
if (endpoints.postgres) lines.push(`export DATABASE_URL=${endpoints.postgres.url}`);
if (endpoints.s3) {
  const client = new S3Client(s3ClientConfig(endpoints.s3));
  try {
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  } finally {
    client.destroy();
  }
  lines.push(
    `export S3_ENDPOINT=${endpoints.s3.endpoint}`,
    `export S3_REGION=${endpoints.s3.region}`,
    `export S3_BUCKET=${BUCKET}`,
    `export AWS_ACCESS_KEY_ID=${endpoints.s3.accessKeyId}`,
    `export AWS_SECRET_ACCESS_KEY=${endpoints.s3.secretAccessKey}`,
  );
}
for (const reason of endpoints.missing) log(`[harness] not started: ${reason}`);
// The exports go to stdout alone, so `eval "$(npm run -s services)"`-style use stays possible.
process.stdout.write(`${lines.join('\n')}\n`);
log('[harness] services running; press Ctrl-C to stop them');

const shutdown = (signal: NodeJS.Signals): void => {
  log(`[harness] ${signal}: stopping services`);
  stop().then(
    () => process.exit(0),
    (error: unknown) => {
      log(`[harness] stop failed: ${String(error)}`);
      process.exit(1);
    },
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
