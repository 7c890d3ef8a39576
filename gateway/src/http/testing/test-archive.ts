import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createFsArchive, rawBatchKey } from '@vigil/adapters';
import type { Archive, Source } from '@vigil/core';
import { pino } from 'pino';

/** The real filesystem archive on a fresh temporary directory (the evidence tests' archive). */
export function tempArchive(): Archive {
  const root = mkdtempSync(join(tmpdir(), 'vigil-gw-archive-'));
  return createFsArchive({ root, logger: pino({ level: 'silent' }) });
}

let shared: Archive | undefined;
/** One empty archive for router fixtures that do not look at evidence. */
export const fixtureArchive = (): Archive => {
  shared ??= tempArchive();
  return shared;
};

/** An archive whose reads fail as an outage does (the 503 examples). */
export const failingArchive = (err: Error): Pick<Archive, 'get' | 'list'> => ({
  get: () => Promise.reject(err),
  list: () => Promise.reject(err),
});

export interface TestBatch {
  source: Source;
  topic: string;
  partition: number;
  firstOffset: number;
  /** Default: one offset per line, no gaps. */
  lastOffset?: number;
  /** The lines, each an event (serialized here) or a raw string. */
  lines: (object | string)[];
}

/**
 * Writes one object exactly as the processor's raw archiver does (processor/src/archive/raw-archiver.ts):
 * gzipped NDJSON under rawBatchKey, filed under the first event's hour. Answers the key.
 */
export async function writeBatch(archive: Archive, batch: TestBatch): Promise<string> {
  const lines = batch.lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line)));
  const first = batch.lines.find((line): line is { ts: string } => typeof line === 'object' && 'ts' in line);
  const key = rawBatchKey({
    source: batch.source,
    eventTime: first ? Date.parse(first.ts) : 0,
    topic: batch.topic,
    partition: batch.partition,
    firstOffset: batch.firstOffset,
    lastOffset: batch.lastOffset ?? batch.firstOffset + lines.length - 1,
  });
  const body = gzipSync(`${lines.map((line) => `${line}\n`).join('')}`);
  await archive.put(key, body, { contentType: 'application/x-ndjson', contentEncoding: 'gzip' });
  return key;
}
