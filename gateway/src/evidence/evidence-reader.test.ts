import { gzipSync } from 'node:zlib';
import { rawBatchKey } from '@vigil/adapters';
import { type Alert, type Archive, UnavailableError } from '@vigil/core';
import { makeAlert } from '@vigil/db/testing';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { failingArchive, tempArchive, writeBatch } from '../http/testing/test-archive.ts';
import type { EvidenceLimits } from './evidence-limits.ts';
import { createEvidenceReader } from './evidence-reader.ts';

const TOPIC = 'events.logs';
const at = (minute: number, second = 0) => new Date(Date.UTC(2030, 0, 1, 10, minute, second)).toISOString();
const log = (id: string | undefined, minute: number, message = `line ${id}`) => ({
  ...(id === undefined ? {} : { id }),
  ts: at(minute),
  service: 'payments',
  level: 'ERROR',
  message,
});
const ref = (offset: number, partition = 0, topic = TOPIC) => ({ topic, partition, offset: String(offset) });

/** An alert of the logs source whose window is minutes 0–5 of 10:00 UTC. */
const alertWith = (evidence: Alert['evidence']): Alert =>
  makeAlert({ eventTime: at(5), windowStart: at(0), windowEnd: at(5), detectedAt: at(5, 1), evidence });

function setup(limits: Partial<EvidenceLimits> = {}) {
  const archive = tempArchive();
  const reader = createEvidenceReader({ archive, logger: pino({ level: 'silent' }), limits });
  return { archive, reader };
}

/** One logs object as the processor writes it; lastOffset defaults to one offset per line. */
const batch = (
  archive: Archive,
  partition: number,
  firstOffset: number,
  lines: (object | string)[],
  lastOffset?: number,
) => writeBatch(archive, { source: 'logs', topic: TOPIC, partition, firstOffset, lastOffset, lines });

const offsets = (items: { offset: string | null }[]) => items.map((i) => i.offset);
const ids = (items: { event: Record<string, unknown> }[]) => items.map((i) => i.event.id);

describe('evidence reader (real filesystem archive)', () => {
  describe('objects the evidence names', () => {
    it('returns the evidence’s events in evidence order, with bus positions and source, ids or not', async () => {
      const { archive, reader } = setup();
      const key = await batch(archive, 0, 10, [
        log('e10', 1),
        log(undefined, 1, 'no id'),
        log('e12', 2),
        log('e13', 3),
      ]);
      const answer = await reader.read(
        alertWith({ refs: [ref(13), ref(11)], eventIds: ['e13'], archiveKeys: [key] }),
      );
      expect(answer).toEqual({
        items: [
          { source: 'logs', topic: TOPIC, partition: 0, offset: '13', archiveKey: key, event: log('e13', 3) },
          {
            source: 'logs',
            topic: TOPIC,
            partition: 0,
            offset: '11',
            archiveKey: key,
            event: log(undefined, 1, 'no id'),
          },
        ],
        pending: [],
        unreadable: [],
        truncated: false,
      });
    });

    it('reads events of several partitions from their own objects', async () => {
      const { archive, reader } = setup();
      const p0 = await batch(archive, 0, 0, [log('a', 1), log('b', 1)]);
      const p3 = await batch(archive, 3, 7, [log('c', 2)]);
      const answer = await reader.read(
        alertWith({ refs: [ref(1), ref(7, 3)], eventIds: ['b', 'c'], archiveKeys: [p3, p0] }),
      );
      expect(answer.items.map((i) => [i.partition, i.offset, i.event.id, i.archiveKey])).toEqual([
        [0, '1', 'b', p0],
        [3, '7', 'c', p3],
      ]);
    });

    it('searches an object with gaps (dead-lettered events) by id, positions from the evidence', async () => {
      const { archive, reader } = setup();
      // Offsets 20–24 with 21 and 23 dead-lettered: three lines for five offsets.
      const key = await batch(archive, 0, 20, [log('e20', 1), log('e22', 1), log('e24', 2)], 24);
      const answer = await reader.read(
        alertWith({ refs: [ref(22), ref(24)], eventIds: ['e22', 'e24'], archiveKeys: [key] }),
      );
      expect(offsets(answer.items)).toEqual(['22', '24']);
      expect(ids(answer.items)).toEqual(['e22', 'e24']);
    });

    it('answers a null offset when gaps and id-less evidence events leave the position unknown', async () => {
      const { archive, reader } = setup();
      const key = await batch(archive, 0, 20, [log(undefined, 1), log('e22', 1), log('e24', 2)], 24);
      // Three refs, two ids: the evidence does not say which ref is which id.
      const answer = await reader.read(
        alertWith({ refs: [ref(20), ref(22), ref(24)], eventIds: ['e22', 'e24'], archiveKeys: [key] }),
      );
      expect(answer.items.map((i) => [i.offset, i.event.id])).toEqual([
        [null, 'e22'],
        [null, 'e24'],
      ]);
    });

    it('does not trust line positions when a line is not one event (raw newlines in an event)', async () => {
      const { archive, reader } = setup();
      // Offset 0 was published pretty-printed (two lines), offset 2 dead-lettered: three lines for offsets
      // 0–2 by chance, and line 1 is half of event 0, not event 1.
      const key = await batch(
        archive,
        0,
        0,
        ['{"id":"p0",', `"ts":"${at(1)}","service":"s","level":"INFO","message":"m"}`, log('e1', 1)],
        2,
      );
      const answer = await reader.read(alertWith({ refs: [ref(1)], eventIds: ['e1'], archiveKeys: [key] }));
      expect(ids(answer.items)).toEqual(['e1']);
      expect(offsets(answer.items)).toEqual(['1']);
    });

    it('does not trust line positions when the line there is another event than the evidence names', async () => {
      const { archive, reader } = setup();
      // Offsets 0–3: 0 pretty-printed (two lines), 1 and 2 compact, 3 dead-lettered: line 2 holds event 1.
      const key = await batch(
        archive,
        0,
        0,
        [
          '{"id":"p0",',
          `"ts":"${at(1)}","service":"s","level":"INFO","message":"m"}`,
          log('e1', 1),
          log('e2', 1),
        ],
        3,
      );
      const answer = await reader.read(alertWith({ refs: [ref(2)], eventIds: ['e2'], archiveKeys: [key] }));
      expect(ids(answer.items)).toEqual(['e2']);
      expect(offsets(answer.items)).toEqual(['2']);
    });

    it('keeps an event found in two overlapping objects once', async () => {
      const { archive, reader } = setup();
      const lines = [log('a', 1), log('b', 1)];
      const one = await batch(archive, 0, 0, lines);
      const two = await batch(archive, 0, 1, [log('b', 1)]);
      const answer = await reader.read(
        alertWith({ refs: [ref(1)], eventIds: ['b'], archiveKeys: [one, two] }),
      );
      expect(ids(answer.items)).toEqual(['b']);
    });

    it('ignores keys outside the archive layout', async () => {
      const { reader } = setup();
      const answer = await reader.read(alertWith({ refs: [], eventIds: ['e1'], archiveKeys: ['raw/a'] }));
      expect(answer).toEqual({ items: [], pending: [], unreadable: [], truncated: false });
    });
  });

  describe('events the alert carries no key for', () => {
    it('finds objects written but not linked yet in the hour folders of the alert’s window', async () => {
      const { archive, reader } = setup();
      await batch(archive, 2, 5, [log('e5', 2), log('e6', 3)]);
      const answer = await reader.read(alertWith({ refs: [ref(6, 2)], eventIds: ['e6'], archiveKeys: [] }));
      expect(answer.items.map((i) => [i.partition, i.offset, i.event.id])).toEqual([[2, '6', 'e6']]);
      expect(answer.pending).toEqual([]);
    });

    it('lists events still in the processor’s archiver buffer as pending, beside those archived', async () => {
      const { archive, reader } = setup();
      const key = await batch(archive, 0, 0, [log('e0', 1)]);
      const answer = await reader.read(
        alertWith({ refs: [ref(0), ref(1), ref(2)], eventIds: ['e0', 'e1', 'e2'], archiveKeys: [key] }),
      );
      expect(ids(answer.items)).toEqual(['e0']);
      expect(answer.pending).toEqual([ref(1), ref(2)]);
      // Once the archiver writes them, the same question finds them without any key linked.
      await batch(archive, 0, 1, [log('e1', 4), log('e2', 4)]);
      const later = await reader.read(
        alertWith({ refs: [ref(0), ref(1), ref(2)], eventIds: ['e0', 'e1', 'e2'], archiveKeys: [key] }),
      );
      expect(ids(later.items)).toEqual(['e0', 'e1', 'e2']);
      expect(later.pending).toEqual([]);
    });

    it('lists at most maxListings folders, leaving the rest pending', async () => {
      const { archive, reader } = setup({ maxListings: 1 });
      await batch(archive, 1, 0, [log('x', 1)]);
      // Two partitions to look in, one listing allowed: partition 0's folder is listed first (evidence order).
      const answer = await reader.read(
        alertWith({ refs: [ref(0, 0), ref(0, 1)], eventIds: [], archiveKeys: [] }),
      );
      expect(answer.items).toEqual([]);
      expect(answer.pending).toEqual([ref(0, 0), ref(0, 1)]);
    });
  });

  describe('bounds', () => {
    it('reads at most maxObjects objects, those of the first refs, and says truncated', async () => {
      const { archive, reader } = setup({ maxObjects: 2 });
      const keys: string[] = [];
      for (let p = 0; p < 3; p++) {
        keys.push(await batch(archive, p, 0, [log(`p${p}`, 1)]));
      }
      const answer = await reader.read(
        alertWith({
          refs: [ref(0, 2), ref(0, 0), ref(0, 1)],
          eventIds: ['p2', 'p0', 'p1'],
          archiveKeys: keys,
        }),
      );
      expect(ids(answer.items)).toEqual(['p2', 'p0']);
      expect(answer.truncated).toBe(true);
    });

    it('returns at most maxEvents events and says truncated', async () => {
      const { archive, reader } = setup({ maxEvents: 3 });
      const lines = Array.from({ length: 5 }, (_, i) => log(`e${i}`, 1));
      const key = await batch(archive, 0, 0, lines);
      const refs = lines.map((_, i) => ref(i));
      const answer = await reader.read(
        alertWith({ refs, eventIds: ids(lines.map((event) => ({ event }))) as string[], archiveKeys: [key] }),
      );
      expect(ids(answer.items)).toEqual(['e0', 'e1', 'e2']);
      expect(answer.truncated).toBe(true);
    });

    it('does not inflate an object past maxObjectBytes: it is reported too_large', async () => {
      const { archive, reader } = setup({ maxObjectBytes: 1024 });
      const key = await batch(archive, 0, 0, [log('big', 1, 'x'.repeat(4096))]);
      const answer = await reader.read(alertWith({ refs: [ref(0)], eventIds: ['big'], archiveKeys: [key] }));
      expect(answer.items).toEqual([]);
      expect(answer.unreadable).toEqual([{ key, reason: 'too_large' }]);
    });

    it('reports a corrupt object and a vanished one as unreadable, and still reads the others', async () => {
      const { archive, reader } = setup();
      const good = await batch(archive, 0, 0, [log('ok', 1)]);
      const keyOf = (partition: number) =>
        rawBatchKey({
          source: 'logs',
          eventTime: Date.parse(at(1)),
          topic: TOPIC,
          partition,
          firstOffset: 0,
          lastOffset: 0,
        });
      await archive.put(keyOf(1), gzipSync('{"id":"x"}\n').subarray(0, 10));
      const answer = await reader.read(
        alertWith({
          refs: [ref(0), ref(0, 1), ref(0, 2)],
          eventIds: ['ok', 'x', 'y'],
          archiveKeys: [good, keyOf(1), keyOf(2)],
        }),
      );
      expect(ids(answer.items)).toEqual(['ok']);
      expect(answer.unreadable).toEqual([
        { key: keyOf(1), reason: 'corrupt' },
        { key: keyOf(2), reason: 'missing' },
      ]);
    });
  });

  it('passes an archive outage on (the route answers 503)', async () => {
    const reader = createEvidenceReader({
      archive: failingArchive(new UnavailableError('archive down')),
      logger: pino({ level: 'silent' }),
    });
    await expect(
      reader.read(alertWith({ refs: [ref(0)], eventIds: [], archiveKeys: [] })),
    ).rejects.toBeInstanceOf(UnavailableError);
  });
});
