import { randomBytes } from 'node:crypto';
import { ValidationError } from '@vigil/core';
import { describe, expect, it } from 'vitest';
import { openForSuite } from './contract-suite.ts';
import type { EventStore, IndexedEvent } from './event-store-port.ts';

export interface OpenedEventStore {
  events: EventStore;
  close(): Promise<void>;
}

const MINUTE_MS = 60_000;

/**
 * The behaviour every EventStore must have. Tests share one database: each makes its own hour of event
 * time (far apart) and its own service/host names, and queries only that, so none sees another's rows.
 */
export function runEventStoreContract(name: string, open: () => Promise<OpenedEventStore>): void {
  describe(`EventStore contract: ${name}`, { timeout: 30_000 }, () => {
    const opened = openForSuite(open);
    const store = (): EventStore => opened().events;
    let nextHour = 0;
    let nextOffset = 0;
    /** A fresh hour of event time and a unique tag for names. */
    const fresh = () => {
      const start = Date.UTC(2032, 0, 1) + nextHour++ * 3_600_000;
      return {
        start,
        tag: randomBytes(4).toString('hex'),
        at: (ms: number) => new Date(start + ms).toISOString(),
      };
    };
    const indexed = (source: IndexedEvent['source'], event: IndexedEvent['event']): IndexedEvent => ({
      source,
      partition: 0,
      offset: String(nextOffset++),
      busTimestamp: 1_900_000_000_000,
      event,
    });

    describe('insertEvents', () => {
      it('stores a batch and skips a redelivered event (same position and bus timestamp)', async () => {
        const { at, tag } = fresh();
        const batch = [
          indexed('logs', { ts: at(1000), service: `svc-${tag}`, level: 'INFO', message: 'started' }),
          indexed('logs', { ts: at(2000), service: `svc-${tag}`, level: 'ERROR', message: 'failed' }),
        ];
        expect(await store().insertEvents(batch)).toEqual({ inserted: 2, rejected: [] });
        expect(await store().insertEvents([batch[1]!, { ...batch[0]!, busTimestamp: 1 }])).toEqual({
          inserted: 1,
          rejected: [],
        });
        const page = await store().queryEvents({ service: [`svc-${tag}`] });
        expect(page.items).toHaveLength(3);
      });

      it('returns each event as it came, with its source, time and bus position', async () => {
        const { at, tag } = fresh();
        const event = {
          ts: at(0),
          ip: '10.1.2.3',
          action: 'login_failure',
          userId: `u-${tag}`,
          extra: { a: 1 },
        };
        await store().insertEvents([
          { ...indexed('security', event), partition: 3, offset: '9007199254740993' },
        ]);
        const { items } = await store().queryEvents({ userId: [`u-${tag}`] });
        expect(items).toEqual([
          {
            id: expect.any(String),
            source: 'security',
            ts: at(0),
            position: { partition: 3, offset: '9007199254740993' },
            event,
          },
        ]);
      });
      it('keeps text that array syntax would misread: quotes, backslashes, braces, commas, NULL, emoji', async () => {
        const { at, tag } = fresh();
        const message = 'he said "hi" \\ {a,b} NULL \\" ü 🚀';
        const event = {
          ts: at(0),
          service: `svc-${tag}`,
          level: 'INFO',
          message,
          nested: { q: '"\\', list: [null, 'NULL'] },
        };
        await store().insertEvents([indexed('logs', event)]);
        const { items } = await store().queryEvents({ service: [`svc-${tag}`] });
        expect(items.map((e) => e.event)).toEqual([event]);
      });
      it('keeps what COPY text format would misread: tabs, newlines, CR, backslashes, \\N, \\., unicode', async () => {
        const { at, tag } = fresh();
        const tricky = [
          'tab\there',
          'line\nbreak',
          'carriage\r\nreturn',
          'back\\slash \\t not a tab',
          '\\N',
          '\\.',
          '\\',
          '',
          'trailing backslash \\',
          'ü é 日本語 עברית 🚀 e\u0301',
          '\u0007 bell \u001b esc \u007f del \u2028 sep',
        ];
        const service = `svc\t${tag}\\x`;
        const batch = tricky.map((message, i) =>
          indexed('logs', {
            ts: at(i),
            service,
            host: `h\n${tag}`,
            userId: i % 2 ? null : `u\r${tag}`,
            level: 'INFO',
            message,
            [`key\twith\ttabs ${i}`]: { 'nested\n': ['\\N', null, '\t'] },
          } as IndexedEvent['event']),
        );
        expect(await store().insertEvents(batch)).toEqual({ inserted: tricky.length, rejected: [] });
        const { items } = await store().queryEvents({ service: [service], limit: 100 });
        expect(items.map((e) => e.event).reverse()).toEqual(batch.map((b) => b.event));
        // The filter columns hold the same text: each matches exactly, a null is no match.
        expect((await store().queryEvents({ host: [`h\n${tag}`], limit: 100 })).items).toHaveLength(
          tricky.length,
        );
        expect((await store().queryEvents({ userId: [`u\r${tag}`], limit: 100 })).items).toHaveLength(6);
        expect((await store().queryEvents({ service: [service], q: 'break' })).items).toHaveLength(1);
      });

      it('stores an event from the JSON text it came with, on COPY and on the fallback insert of a redelivery', async () => {
        const { at, tag } = fresh();
        // What JSON allows and both write paths must carry: whitespace COPY would read as separators, escapes
        // COPY and array literals would read as their own, a number written in exponent form.
        const textOf = (i: number, message: string) =>
          `{\n\t"ts": "${at(i)}",\r\n "service": "svc-${tag}", "level": "INFO",` +
          ` "message": ${JSON.stringify(message)}, "n": 1.5e3, "q": "\\"{a,b}\\" \\\\N \\u00fc" }`;
        const indexedText = (i: number, message: string): IndexedEvent => {
          const json = textOf(i, message);
          return { ...indexed('logs', JSON.parse(json)), json };
        };
        const first = indexedText(0, 'tab\there \\t line\nbreak');
        expect(await store().insertEvents([first])).toEqual({ inserted: 1, rejected: [] });
        // The redelivered event makes COPY refuse the chunk: the insert that takes over gets the same texts.
        const second = indexedText(1, 'quote " backslash \\ brace {');
        expect(await store().insertEvents([first, second])).toEqual({ inserted: 1, rejected: [] });
        const { items } = await store().queryEvents({ service: [`svc-${tag}`] });
        expect(items.map((e) => e.event)).toEqual([JSON.parse(second.json!), JSON.parse(first.json!)]);
        expect(items[1]!.event).toMatchObject({ n: 1500, message: 'tab\there \\t line\nbreak' });
      });

      it('stores a batch larger than one write, and a redelivery of it that overlaps new events, once', async () => {
        const { at, tag } = fresh();
        const svc = `svc-${tag}`;
        const batch = Array.from({ length: 1_200 }, (_, i) =>
          indexed('logs', { ts: at(i), service: svc, level: 'INFO', message: `m${i}` }),
        );
        expect((await store().insertEvents(batch)).inserted).toBe(1_200);
        const more = Array.from({ length: 5 }, (_, i) =>
          indexed('logs', { ts: at(2_000 + i), service: svc, level: 'INFO', message: `n${i}` }),
        );
        expect(await store().insertEvents([...batch.slice(600), ...more])).toEqual({
          inserted: 5,
          rejected: [],
        });
        const ids = new Set<string>();
        let cursor: string | undefined;
        do {
          const page = await store().queryEvents({ service: [svc], limit: 500, cursor });
          for (const e of page.items) ids.add(e.id);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(ids.size).toBe(1_205);
      });

      it('rejects only the events the database refuses and stores the rest of their batch', async () => {
        const { at, tag } = fresh();
        const svc = `svc-${tag}`;
        const log = (ms: number, extra: Record<string, unknown> = {}) =>
          indexed('logs', { ts: at(ms), service: svc, level: 'INFO', message: `m${ms}`, ...extra });
        const bad = [
          log(1, { message: 'lone \udc00 surrogate' }), // jsonb refuses the escape JSON.stringify writes
          log(2, { note: 'nul \u0000 inside' }), // jsonb has no U+0000
          { ...log(3), event: { ...log(3).event, ts: '2032-13-45T99:00:00Z' } }, // not an instant
          log(4, { host: randomBytes(6_000).toString('hex') }), // too long for a btree index entry
          { ...log(5), source: 'bogus' as never }, // outside the source check
        ];
        const good = Array.from({ length: 20 }, (_, i) => log(100 + i));
        const batch = [
          ...good.slice(0, 7),
          ...bad.slice(0, 3),
          ...good.slice(7, 15),
          ...bad.slice(3),
          ...good.slice(15),
        ];
        const result = await store().insertEvents(batch);
        expect(result.inserted).toBe(20);
        expect(result.rejected.map((r) => r.id).sort()).toEqual(
          bad.map((e) => `${e.source}:${e.partition}:${e.offset}@${e.busTimestamp}`).sort(),
        );
        for (const r of result.rejected) expect(r.reason).toMatch(/\w/);
        const { items } = await store().queryEvents({ service: [svc], limit: 100 });
        expect(items.map((e) => e.event.message).sort()).toEqual(good.map((e) => e.event.message).sort());
        // A redelivery of the same batch adds nothing and refuses the same events again.
        const again = await store().insertEvents(batch);
        expect(again.inserted).toBe(0);
        expect(again.rejected).toHaveLength(bad.length);
      });
    });

    describe('queryEvents', () => {
      it('filters by source, time range, each field and words of the message, newest first', async () => {
        const { at, tag, start } = fresh();
        const svc = `svc-${tag}`;
        await store().insertEvents([
          indexed('logs', {
            ts: at(1),
            service: svc,
            host: `h-${tag}`,
            level: 'ERROR',
            message: 'payment declined',
          }),
          indexed('logs', {
            ts: at(2),
            service: svc,
            level: 'INFO',
            userId: `u-${tag}`,
            message: 'payment ok',
          }),
          indexed('metrics', { ts: at(3), service: svc, host: `h-${tag}`, cpu: 50, latencyMs: 10 }),
          indexed('security', {
            ts: at(4),
            ip: `10.9.${tag.length}.1`,
            action: 'login_success',
            userId: `u-${tag}`,
          }),
        ]);
        const ts = async (query: Parameters<EventStore['queryEvents']>[0]) =>
          (
            await store().queryEvents({ from: new Date(start), to: new Date(start + 3_600_000), ...query })
          ).items.map((e) => e.event.ts);
        expect(await ts({})).toEqual([at(4), at(3), at(2), at(1)]);
        expect(await ts({ source: ['logs'] })).toEqual([at(2), at(1)]);
        expect(await ts({ service: [svc], level: ['ERROR'] })).toEqual([at(1)]);
        expect(await ts({ host: [`h-${tag}`] })).toEqual([at(3), at(1)]);
        expect(await ts({ userId: [`u-${tag}`] })).toEqual([at(4), at(2)]);
        expect(await ts({ userId: [`u-${tag}`], action: ['login_success'] })).toEqual([at(4)]);
        expect(await ts({ ip: [`10.9.${tag.length}.1`] })).toEqual([at(4)]);
        expect(await ts({ service: [svc], q: 'PAYM decl' })).toEqual([at(1)]);
        expect(await ts({ service: [svc], q: 'pay' })).toEqual([at(2), at(1)]);
        expect(await ts({ from: new Date(start + 2), to: new Date(start + 4) })).toEqual([at(3), at(2)]);
      });

      it('pages newest first with a cursor, ties broken by id, each event once', async () => {
        const { at, tag } = fresh();
        const svc = `svc-${tag}`;
        await store().insertEvents(
          Array.from({ length: 7 }, (_, i) =>
            indexed('logs', { ts: at(i < 4 ? 0 : i), service: svc, level: 'INFO', message: `m${i}` }),
          ),
        );
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store().queryEvents({ service: [svc], limit: 3, cursor });
          seen.push(...page.items.map((e) => String(e.event.message)));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen.slice(0, 3)).toEqual(['m6', 'm5', 'm4']);
        expect(new Set(seen).size).toBe(7);
      });

      it('refuses bad input with a ValidationError', async () => {
        for (const query of [
          { limit: 0 },
          { source: ['nope' as never] },
          { cursor: 'junk!' },
          { from: 'yesterday' },
          { q: 'x'.repeat(201) },
          { host: ['a\u0000b'] },
        ]) {
          await expect(store().queryEvents(query)).rejects.toBeInstanceOf(ValidationError);
        }
      });
    });

    describe('eventsAt', () => {
      it('finds the events at bus positions within a time range, leaving out positions not stored', async () => {
        const { at, tag } = fresh();
        const rows = [0, 1, 2].map((i) => ({
          ...indexed('security', {
            ts: at(i * 1000),
            ip: '10.0.0.1',
            action: 'login_failure',
            userId: `u-${tag}`,
          }),
          partition: 1 + (i % 2),
        }));
        await store().insertEvents(rows);
        const found = await store().eventsAt({
          source: 'security',
          from: at(0),
          to: at(2000),
          positions: [
            { partition: rows[0]!.partition, offset: rows[0]!.offset },
            { partition: rows[2]!.partition, offset: rows[2]!.offset },
            { partition: 1, offset: '999999999' }, // not stored
            { partition: rows[1]!.partition, offset: 'x' }, // names no position
          ],
        });
        expect(found.map((e) => e.position)).toEqual(
          [rows[0]!, rows[2]!].map((r) => ({ partition: r.partition, offset: r.offset })),
        );
        expect(found[0]!.event).toMatchObject({ userId: `u-${tag}` });
        // Outside the time range, or of another source: not found.
        const position = { partition: rows[1]!.partition, offset: rows[1]!.offset };
        expect(
          await store().eventsAt({ source: 'security', from: at(1500), to: at(3000), positions: [position] }),
        ).toEqual([]);
        expect(
          await store().eventsAt({ source: 'logs', from: at(0), to: at(3000), positions: [position] }),
        ).toEqual([]);
      });

      it('refuses more than 500 positions', async () => {
        const positions = Array.from({ length: 501 }, (_, i) => ({ partition: 0, offset: String(i) }));
        await expect(
          store().eventsAt({ source: 'logs', from: new Date(0), to: new Date(), positions }),
        ).rejects.toBeInstanceOf(ValidationError);
      });
    });

    describe('timeseries', () => {
      it('gives avg, max and count of a metric per bucket for a service or a host, empty buckets included', async () => {
        const { at, tag, start } = fresh();
        const metric = (ms: number, host: string, cpu: number, memory?: number) =>
          indexed('metrics', {
            ts: at(ms),
            service: `svc-${tag}`,
            host: `${host}-${tag}`,
            cpu,
            memory,
            latencyMs: 1,
          });
        await store().insertEvents([
          metric(0, 'a', 10, 40),
          metric(30_000, 'b', 30),
          metric(2 * MINUTE_MS + 1, 'a', 90, 60),
        ]);
        const range = { bucket: '1m' as const, from: new Date(start), to: new Date(start + 3 * MINUTE_MS) };
        expect(await store().timeseries({ ...range, field: 'cpu', service: [`svc-${tag}`] })).toEqual([
          { bucketStart: at(0), avg: 20, max: 30, count: 2 },
          { bucketStart: at(MINUTE_MS), avg: null, max: null, count: 0 },
          { bucketStart: at(2 * MINUTE_MS), avg: 90, max: 90, count: 1 },
        ]);
        // Only events that carry the field count (memory is optional).
        expect(await store().timeseries({ ...range, field: 'memory', host: [`a-${tag}`] })).toEqual([
          { bucketStart: at(0), avg: 40, max: 40, count: 1 },
          { bucketStart: at(MINUTE_MS), avg: null, max: null, count: 0 },
          { bucketStart: at(2 * MINUTE_MS), avg: 60, max: 60, count: 1 },
        ]);
      });

      it('refuses an unknown field, bucket or range', async () => {
        const range = { from: '2032-01-01T00:00:00Z', to: '2032-01-02T00:00:00Z' };
        for (const query of [
          { ...range, bucket: '1m', field: 'disk' },
          { ...range, bucket: '2m', field: 'cpu' },
          { from: range.to, to: range.from, bucket: '1m', field: 'cpu' },
          { from: '2000-01-01T00:00:00Z', to: '2032-01-01T00:00:00Z', bucket: '1m', field: 'cpu' },
        ]) {
          await expect(store().timeseries(query as never)).rejects.toBeInstanceOf(ValidationError);
        }
      });
    });

    describe('pruneOlderThan', () => {
      it('deletes the events before the cutoff and keeps the rest', async () => {
        // Before every other test's hour, so pruning here removes only this test's old event.
        const old = new Date(Date.UTC(2031, 0, 1)).toISOString();
        const { at, tag } = fresh();
        await store().insertEvents([
          indexed('logs', { ts: old, service: `svc-${tag}`, level: 'INFO', message: 'old' }),
          indexed('logs', { ts: at(0), service: `svc-${tag}`, level: 'INFO', message: 'new' }),
        ]);
        expect(await store().pruneOlderThan(new Date(Date.UTC(2031, 6, 1)))).toBe(1);
        const { items } = await store().queryEvents({ service: [`svc-${tag}`] });
        expect(items.map((e) => e.event.message)).toEqual(['new']);
      });
    });
  });
}
