import type { BusMessage } from '@vigil/core';
import { defaultRules } from '@vigil/core/rules';
import { describe, expect, it } from 'vitest';
import { planRepartition } from '../rules/repartition-plan.ts';
import { copyMessages, REPARTITION_HEADERS, readCopy } from './repartition-wire.ts';

const plan = planRepartition(defaultRules());
const event = { ts: '2026-01-01T00:00:00Z', ip: '10.0.0.1', userId: 'u1', action: 'login_failure' };
const original: BusMessage = {
  topic: 'events.security',
  partition: 2,
  offset: '41',
  key: '10.0.0.1',
  value: Buffer.from(JSON.stringify(event)),
  headers: { 'ingested-at': '1000' },
  timestamp: 2000,
};
const asMessage = (m: ReturnType<typeof copyMessages>[number], offset: string): BusMessage => ({
  topic: 'processor.repartition',
  partition: 0,
  offset,
  key: m.key,
  value: m.value as Uint8Array,
  headers: m.headers ?? {},
  timestamp: m.timestamp ?? 0,
});

describe('repartition copies', () => {
  it('round-trip: a copy is read back with its space, source, origin position and ingest time', () => {
    const copies = copyMessages(plan.spaces.security, original, event);
    expect(copies.map((c) => c.key).sort()).toEqual(['security:ip=10.0.0.1', 'security:userId=u1']);
    const read = readCopy(asMessage(copies[0]!, '7'), plan.byId);
    expect(read).toMatchObject({
      ok: true,
      copy: {
        source: 'security',
        origin: { topic: 'events.security', partition: 2, offset: '41' },
        originId: 'events.security:2',
        ingestedAt: 1000,
      },
    });
  });

  it('a message stage one did not write gets a reason for the dead-letter record, not a crash', () => {
    const [copy] = copyMessages(plan.spaces.security, original, event);
    const without = (header: string) => {
      const headers = { ...copy!.headers };
      delete headers[header];
      return readCopy(asMessage({ ...copy!, headers }, '1'), plan.byId);
    };
    expect(without(REPARTITION_HEADERS.origin)).toEqual({
      ok: false,
      reason: 'repartition copy without a valid vigil-origin header',
    });
    expect(without(REPARTITION_HEADERS.space)).toEqual({
      ok: false,
      reason: 'repartition copy without a valid vigil-key-space header',
    });
    const unused = {
      ...copy!,
      headers: { ...copy!.headers, [REPARTITION_HEADERS.space]: 'security:resource' },
    };
    expect(readCopy(asMessage(unused, '2'), plan.byId)).toEqual({
      ok: false,
      reason: 'repartition copy for key space "security:resource", which no enabled rule uses',
    });
  });
});
