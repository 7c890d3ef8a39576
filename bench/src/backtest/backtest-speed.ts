/**
 * How fast a backtest replays the archive (processor/RULES.md, "Backtest"):
 * `npx tsx bench/src/backtest/backtest-speed.ts` (filesystem), with `S3_ENDPOINT`, `S3_REGION` and the AWS
 * credential variables set (`source /work/services.env`) also from S3 into a fresh bucket. Writes EVENTS
 * logs events (default 200,000, an hour of event time, 2 partitions) as the processor's archiver writes them
 * (gzipped NDJSON, ≤ 20,000 events per object, one hour folder), then replays them through the backtest with
 * the default `logs.error-spike` rule RUNS times (default 3) per archive, prints events/s of each run and
 * writes them with their median and spread to bench/results/backtest.json. Bounded by EVENTS and RUNS.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { createFsArchive, createS3Archive, rawBatchKey } from '@vigil/adapters';
import type { Archive } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { createTestBucket } from '@vigil/harness';
import { replayRule } from '@vigil/processor';
import { pino } from 'pino';
import { describeMachine } from '../lib/machine.ts';

const EVENTS = Number(process.env.EVENTS ?? 200_000);
const RUNS = Number(process.env.RUNS ?? 3);
const RESULTS = fileURLToPath(new URL('../../results/backtest.json', import.meta.url));
/** The archiver's default maxEvents per object. */
const PER_OBJECT = 20_000;
const PARTITIONS = 2;
const HOUR = Math.floor((Date.now() - 3 * 3_600_000) / 3_600_000) * 3_600_000;
const logger = pino({ level: 'silent' });
const rule = defaultRules().find((r) => r.id === 'logs.error-spike')!;

const LEVELS = ['INFO', 'INFO', 'INFO', 'WARN', 'ERROR'];
const event = (i: number) => ({
  id: `b-${i}`,
  ts: new Date(HOUR + Math.floor((i * 3_599_000) / EVENTS)).toISOString(),
  service: `svc-${i % 20}`,
  level: LEVELS[i % LEVELS.length],
  message: 'GET /v1/items/12345 200 in 12 ms from 10.0.0.7 user agent curl/8.5',
  host: `host-${i % 50}`,
});

async function fill(archive: Archive): Promise<void> {
  const partitions = Array.from({ length: PARTITIONS }, () => [] as string[]);
  for (let i = 0; i < EVENTS; i++) partitions[i % PARTITIONS]!.push(JSON.stringify(event(i)));
  for (const [partition, lines] of partitions.entries()) {
    for (let first = 0; first < lines.length; first += PER_OBJECT) {
      const chunk = lines.slice(first, first + PER_OBJECT);
      const key = rawBatchKey({
        source: 'logs',
        eventTime: HOUR,
        topic: 'events.logs',
        partition,
        firstOffset: first,
        lastOffset: first + chunk.length - 1,
      });
      await archive.put(key, gzipSync(`${chunk.join('\n')}\n`, { level: 5 }));
    }
  }
}

interface ArchiveFigures {
  archive: string;
  events: number;
  objects: number;
  firings: number;
  eventsPerSecond: { runs: number[]; median: number; min: number; max: number };
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Fills the archive once, then replays the hour RUNS times: each run reads every object afresh. */
async function measure(name: string, archive: Archive): Promise<ArchiveFigures> {
  await archive.start();
  await fill(archive);
  const runs: number[] = [];
  let last: Awaited<ReturnType<typeof replayRule>> | undefined;
  for (let run = 1; run <= RUNS; run++) {
    last = await replayRule({ archive, rule, from: HOUR, to: HOUR + 3_600_000 });
    const { events, objects, durationMs, eventsPerSecond, firings } = last.stats;
    runs.push(eventsPerSecond);
    console.log(
      `${name} run ${run}/${RUNS}: ${events} events from ${objects} objects in ${durationMs} ms = ${eventsPerSecond.toLocaleString('en')} events/s (${firings} firings, stopped: ${last.stopped?.reason ?? 'no'})`,
    );
  }
  await archive.stop();
  const { events, objects, firings } = last!.stats;
  return {
    archive: name,
    events,
    objects,
    firings,
    eventsPerSecond: { runs, median: median(runs), min: Math.min(...runs), max: Math.max(...runs) },
  };
}

const figures: ArchiveFigures[] = [];
const dir = await mkdtemp(join(tmpdir(), 'vigil-backtest-speed-'));
try {
  figures.push(await measure('filesystem', createFsArchive({ root: dir, logger })));
} finally {
  await rm(dir, { recursive: true, force: true });
}
if (process.env.S3_ENDPOINT) {
  const s3 = {
    endpoint: process.env.S3_ENDPOINT,
    region: process.env.S3_REGION ?? 'us-east-1',
    accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? '',
  };
  const bucket = await createTestBucket(s3, 'backtest-speed');
  const s3Figures = await measure(
    `S3 (${s3.endpoint}, bucket ${bucket})`,
    createS3Archive({
      bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      logger,
    }),
  );
  figures.push(s3Figures);
} else {
  console.log(
    'S3: skipped (set S3_ENDPOINT, S3_REGION and the AWS credentials, e.g. source /work/services.env)',
  );
}

await mkdir(join(RESULTS, '..'), { recursive: true });
await writeFile(
  RESULTS,
  `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: describeMachine(), rule: rule.id, figures }, null, 2)}\n`,
);
for (const { archive, eventsPerSecond: e } of figures) {
  console.log(
    `${archive}: median ${e.median.toLocaleString('en')} events/s over ${RUNS} runs (${e.min.toLocaleString('en')}–${e.max.toLocaleString('en')})`,
  );
}
console.log(`written to ${RESULTS}`);
