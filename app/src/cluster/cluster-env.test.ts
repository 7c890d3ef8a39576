import { describe, expect, it } from 'vitest';
import { exportLines, gatewayEnv, processorEnv, sharedEnv } from './cluster-env.ts';

const shared = (topicPrefix: string) =>
  sharedEnv({
    services: {
      kafka: { brokers: ['127.0.0.1:9092', '127.0.0.1:9093'] },
      postgres: { url: 'postgres://postgres@127.0.0.1:5432/vigil' },
      s3: { endpoint: 'http://127.0.0.1:9000', region: 'us-east-1', accessKeyId: 'k', secretAccessKey: 's' },
    },
    bucket: 'vigil-archive',
    topicPrefix,
    groupId: `${topicPrefix}vigil-processor`,
    partitions: 6,
    sessionTimeoutMs: 6_000,
    logLevel: 'warn',
    host: '127.0.0.1',
  });

describe('cluster environment', () => {
  it('gives every component the services, the group and the Kafka timings', () => {
    expect(shared('')).toMatchObject({
      KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9093',
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/vigil',
      S3_BUCKET: 'vigil-archive',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: 'k',
      AWS_SECRET_ACCESS_KEY: 's',
      PROCESSOR_GROUP_ID: 'vigil-processor',
      EVENT_PARTITIONS: '6',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'warn',
    });
  });

  it('sets TOPIC_PREFIX only when there is one', () => {
    expect(shared('')).not.toHaveProperty('TOPIC_PREFIX');
    expect(shared('t1.')).toMatchObject({ TOPIC_PREFIX: 't1.', PROCESSOR_GROUP_ID: 't1.vigil-processor' });
  });

  it('adds the per-instance ports', () => {
    expect(processorEnv(shared(''), 9465)).toMatchObject({ METRICS_PORT: '9465', METRICS_HOST: '127.0.0.1' });
    expect(gatewayEnv(shared(''), 8082)).toMatchObject({ PORT: '8082' });
  });

  it('prints export lines a shell can paste, quoting only what needs it', () => {
    expect(exportLines({ A: 'postgres://u@h:1/db', B: "it's x" })).toEqual([
      'export A=postgres://u@h:1/db',
      "export B='it'\\''s x'",
    ]);
  });
});
