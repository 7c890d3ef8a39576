import { partitionForKey } from '@vigil/adapters';
import type { BusMessage, OutgoingMessage } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { describe, expect, it } from 'vitest';
import { planRepartition } from '../rules/repartition-plan.ts';
import {
  COPY_PACK_HEADER,
  type Copy,
  collectCopies,
  MAX_PACK_BYTES,
  packCopies,
  unpackCopies,
} from './repartition-wire.ts';

const plan = planRepartition(defaultRules());
const eventOf = (i: number) => ({
  ts: '2026-01-01T00:00:00Z',
  ip: `10.0.0.${i % 250}`,
  userId: `u${i}`,
  action: 'login_failure',
});
const original = (i: number, headers: Record<string, string> = { 'ingested-at': '1000' }): BusMessage => ({
  topic: 'events.security',
  partition: 2,
  offset: String(40 + i),
  key: '10.0.0.1',
  value: Buffer.from(JSON.stringify(eventOf(i))),
  headers,
  timestamp: 2000,
});
const delivered = (m: OutgoingMessage, offset = '7'): BusMessage => ({
  topic: 'processor.repartition',
  partition: m.partition ?? 0,
  offset,
  key: m.key,
  value: m.value as Uint8Array,
  headers: m.headers ?? {},
  timestamp: 0,
});
const copiesOfEvents = (count: number): Copy[] => {
  const out: Copy[] = [];
  for (let i = 0; i < count; i++) collectCopies(plan.spaces.security, original(i), eventOf(i), out);
  return out;
};

describe('repartition copies, packed', () => {
  it('round trip: every copy comes back in order with its space, source, origin, ingest time and bytes', () => {
    const copies = copiesOfEvents(50);
    expect(copies).toHaveLength(100); // userId and ip each
    const packs = packCopies(copies, 3);
    expect(packs.length).toBeLessThanOrEqual(3);
    const read = packs.flatMap((pack) => {
      const unpacked = unpackCopies(delivered(pack), plan.byId);
      if (!unpacked.ok) throw new Error(unpacked.reason);
      expect(unpacked.refused).toEqual([]);
      return unpacked.copies;
    });
    expect(read).toHaveLength(100);
    const first = read.find((c) => c.origin.offset === '40' && c.space.id === 'security:userId')!;
    expect(first).toMatchObject({
      source: 'security',
      origin: { topic: 'events.security', partition: 2, offset: '40' },
      originId: 'events.security:2',
      ingestedAt: 1000,
    });
    expect(JSON.parse(Buffer.from(first.value).toString())).toEqual(eventOf(0));
    // Within a pack the copies keep the order they were collected in (a key's order is its events').
    for (const pack of packs) {
      const unpacked = unpackCopies(delivered(pack), plan.byId);
      const offsets = unpacked.ok ? unpacked.copies.map((c) => Number(c.origin.offset)) : [];
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
  });

  it('routes every copy of one key to one partition, and spreads keys over all of them', () => {
    const packs = packCopies(copiesOfEvents(300), 4);
    const partitionsOfKey = new Map<string, Set<number>>();
    for (const pack of packs) {
      const unpacked = unpackCopies(delivered(pack), plan.byId);
      for (const copy of unpacked.ok ? unpacked.copies : []) {
        const event = JSON.parse(Buffer.from(copy.value).toString()) as Record<string, string>;
        const key = `${copy.space.id}=${event[copy.space.field]}`;
        expect(pack.partition).toBe(partitionForKey(key, 4));
        partitionsOfKey.set(key, (partitionsOfKey.get(key) ?? new Set()).add(pack.partition!));
      }
    }
    expect([...partitionsOfKey.values()].every((set) => set.size === 1)).toBe(true);
    expect(new Set(packs.map((p) => p.partition))).toEqual(new Set([0, 1, 2, 3]));
  });

  it('splits a pack before it passes MAX_PACK_BYTES', () => {
    const big = 'x'.repeat(20_000);
    const copies: Copy[] = Array.from({ length: 40 }, (_, i) => ({
      key: 'security:userId=one',
      spaceId: 'security:userId',
      origin: `events.security/0/${i}`,
      ingestedAt: 1,
      value: Buffer.from(JSON.stringify({ ...eventOf(i), message: big })),
    }));
    const packs = packCopies(copies, 2);
    expect(packs.length).toBeGreaterThan(1);
    expect(packs.every((p) => (p.value as Uint8Array).byteLength <= MAX_PACK_BYTES)).toBe(true);
    expect(new Set(packs.map((p) => p.partition)).size).toBe(1);
    const offsets = packs.flatMap((p) => {
      const unpacked = unpackCopies(delivered(p), plan.byId);
      return unpacked.ok ? unpacked.copies.map((c) => c.origin.offset) : [];
    });
    expect(offsets).toEqual(copies.map((_, i) => String(i)));
  });

  it('a message stage one did not write, or a truncated pack, gets a reason for the dead-letter record', () => {
    const foreign = delivered({ key: 'x', value: Buffer.from('{"not":"a copy"}') });
    expect(unpackCopies(foreign, plan.byId)).toEqual({
      ok: false,
      reason: `repartition message without the ${COPY_PACK_HEADER} header of stage one`,
    });
    const [pack] = packCopies(copiesOfEvents(1), 1);
    const value = pack!.value as Buffer;
    for (const cut of [1, 5, value.length - 1]) {
      expect(unpackCopies(delivered({ ...pack!, value: value.subarray(0, cut) }), plan.byId)).toEqual({
        ok: false,
        reason: 'repartition pack truncated',
      });
    }
  });

  it('a copy for a key space no enabled rule uses is refused alone, with its bytes', () => {
    const copies: Copy[] = [
      {
        key: 'a',
        spaceId: 'security:resource',
        origin: 'events.security/0/1',
        ingestedAt: 1,
        value: Buffer.from('{}'),
      },
      ...copiesOfEvents(1),
    ];
    const [pack] = packCopies(copies, 1);
    const unpacked = unpackCopies(delivered(pack!), plan.byId);
    expect(unpacked.ok && unpacked.copies).toHaveLength(2);
    expect(unpacked.ok && unpacked.refused).toEqual([
      {
        value: Buffer.from('{}'),
        reason: 'repartition copy for key space "security:resource", which no enabled rule uses',
      },
    ]);
  });
});
