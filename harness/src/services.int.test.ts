import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createTestBucket,
  createTestDatabase,
  describeWith,
  s3ClientConfig,
  services,
  type TestDatabase,
  uniqueName,
  waitFor,
} from './index.ts';

const endpoints = services();

describeWith(['kafka'])('kafka from the harness', () => {
  const kafka = new Kafka({ brokers: endpoints.kafka?.brokers ?? [], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  beforeAll(() => admin.connect());
  afterAll(() => admin.disconnect());

  it('is a real broker that creates and lists a topic', async () => {
    const topic = uniqueName('harness-topic');
    await expect(
      admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true }),
    ).resolves.toBe(true);
    await waitFor(async () => (await admin.listTopics()).includes(topic), {
      message: `topic ${topic} listed`,
    });
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata?.partitions).toHaveLength(2);
    await admin.deleteTopics({ topics: [topic] });
  });
});

describeWith(['postgres'])('postgres from the harness', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(endpoints.postgres!.url, 'harness');
  });
  afterAll(() => db?.drop());

  it('answers SELECT version() in a fresh database', async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ version: string; db: string }>(
        'SELECT version() AS version, current_database() AS db',
      );
      expect(rows[0]?.version).toMatch(/^PostgreSQL \d+/);
      expect(rows[0]?.db).toBe(db.name);
    } finally {
      await client.end();
    }
  });
});

describeWith(['s3'])('s3 from the harness', () => {
  it('stores and returns an object in a fresh bucket', async () => {
    const s3 = endpoints.s3!;
    const bucket = await createTestBucket(s3, 'harness');
    const client = new S3Client(s3ClientConfig(s3));
    try {
      const body = JSON.stringify({ hello: 'vigil' });
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/b.json', Body: body }));
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b.json' }));
      expect(await got.Body?.transformToString()).toBe(body);
    } finally {
      client.destroy();
    }
  });
});
