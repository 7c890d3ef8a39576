import { gunzipSync } from 'node:zlib';
import { parseRawBatchKey } from '@vigil/adapters';
import type { Archive } from '@vigil/core';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type ArchivedRange, createRawArchiver } from './raw-archiver.ts';

function memoryArchive() {
  const objects = new Map<string, Uint8Array>();
  const archive: Archive = {
    start: async () => {},
    stop: async () => {},
    put: async (key, body) => void objects.set(key, body),
    get: async (key) => objects.get(key) ?? null,
    list: async (prefix) => [...objects.keys()].filter((k) => k.startsWith(prefix)).sort(),
  };
  return { archive, objects };
}

function setup(limits = { maxEvents: 3, maxBytes: 1_000_000, maxAgeMs: 1_000 }) {
  let clock = 0;
  const { archive, objects } = memoryArchive();
  const ranges: ArchivedRange[] = [];
  const archiver = createRawArchiver({
    archive,
    logger: pino({ level: 'silent' }),
    now: () => clock,
    limits,
    write: (_key, put) => put(),
    onArchived: (range) => ranges.push(range),
    onFatal: (err) => {
      throw err;
    },
  });
  const append = (offset: number, eventTime = Date.UTC(2026, 10, 21, 14, 0, offset)) =>
    archiver.append({
      source: 'logs',
      topic: 'events.logs',
      partition: 2,
      offset,
      eventTime,
      raw: Buffer.from(JSON.stringify({ n: offset })),
    });
  return { archiver, objects, ranges, append, advance: (ms: number) => (clock += ms) };
}

describe('raw archiver', () => {
  it('flushes by event count into gzipped NDJSON named by offset range', async () => {
    const { archiver, objects, ranges, append } = setup();
    for (let i = 10; i < 13; i++) append(i);
    await archiver.flushAll();
    expect(ranges).toHaveLength(1);
    const key = ranges[0]!.key;
    expect(parseRawBatchKey(key)).toMatchObject({
      topic: 'events.logs',
      partition: 2,
      firstOffset: '10',
      lastOffset: '12',
      hour: 14,
    });
    const lines = gunzipSync(objects.get(key)!).toString().trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).n)).toEqual([10, 11, 12]);
  });

  it('archives a pretty-printed event (line breaks between tokens) as one line, the same event', async () => {
    const { archiver, objects, ranges } = setup();
    const pretty = JSON.stringify({ n: 1, message: 'a\nb', nested: { x: [1, 2] } }, null, 2).replaceAll(
      '\n',
      '\r\n',
    );
    archiver.append({
      source: 'logs',
      topic: 'events.logs',
      partition: 2,
      offset: 1,
      eventTime: Date.UTC(2026, 10, 21, 14),
      raw: Buffer.from(pretty),
    });
    await archiver.flushAll();
    const lines = gunzipSync(objects.get(ranges[0]!.key)!).toString().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual(JSON.parse(pretty));
  });

  it('seals a batch by age only once the age limit has passed', async () => {
    const { archiver, ranges, append, advance } = setup({ maxEvents: 100, maxBytes: 1e6, maxAgeMs: 1_000 });
    append(1);
    advance(999);
    archiver.sealDue();
    await new Promise((resolve) => setImmediate(resolve));
    expect(ranges).toHaveLength(0);
    advance(1);
    archiver.sealDue();
    await archiver.flushAll();
    expect(ranges.map((r) => [r.firstOffset, r.lastOffset])).toEqual([[1, 1]]);
  });

  it('starts a new object when event time crosses an hour', async () => {
    const { archiver, ranges, append } = setup({ maxEvents: 100, maxBytes: 1e6, maxAgeMs: 1_000 });
    append(1, Date.UTC(2026, 10, 21, 14, 59, 59));
    append(2, Date.UTC(2026, 10, 21, 15, 0, 0));
    await archiver.flushAll();
    expect(ranges.map((r) => parseRawBatchKey(r.key)?.hour)).toEqual([14, 15]);
  });

  it('reports the oldest offset not yet durable', async () => {
    const { archiver, append } = setup({ maxEvents: 100, maxBytes: 1e6, maxAgeMs: 1_000 });
    expect(archiver.oldestPending('events.logs', 2)).toBeNull();
    append(5);
    append(6);
    expect(archiver.oldestPending('events.logs', 2)).toBe(5);
    expect(archiver.pendingBytes()).toBeGreaterThan(0);
    await archiver.flushAll();
    expect(archiver.oldestPending('events.logs', 2)).toBeNull();
    expect(archiver.pendingBytes()).toBe(0);
  });

  it('writes the same key again when a batch is retried, instead of a duplicate', async () => {
    const first = setup();
    const second = setup();
    for (const s of [first, second]) {
      for (let i = 0; i < 3; i++) s.append(i);
      await s.archiver.flushAll();
    }
    expect(first.ranges[0]!.key).toBe(second.ranges[0]!.key);
  });
});
