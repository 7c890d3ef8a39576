import { describe, expect, it } from 'vitest';
import { toBusBatch, toProducedMessage } from './kafka-messages.ts';

describe('kafka message mapping', () => {
  it('sends bytes as a Buffer view and timestamps as strings', () => {
    const bytes = new Uint8Array([7, 8, 9]).subarray(1);
    const produced = toProducedMessage({ key: 'k', value: bytes, timestamp: 5 });
    expect(Buffer.isBuffer(produced.value)).toBe(true);
    expect([...(produced.value as Buffer)]).toEqual([8, 9]);
    expect(produced.timestamp).toBe('5');
    expect('headers' in produced).toBe(false);
    expect(toProducedMessage({ key: null, value: 'v' })).toEqual({ key: null, value: 'v' });
  });

  it('reads keys, values, headers and timestamps back', () => {
    const batch = toBusBatch('t', 2, [
      {
        key: Buffer.from('k'),
        value: Buffer.from('v'),
        timestamp: '1700000000000',
        offset: '41',
        headers: { a: Buffer.from('1'), b: 'two', c: [Buffer.from('x'), 'last'], d: undefined },
      },
      { key: null, value: null, timestamp: '1', offset: '42' },
    ]);
    const [first, second] = batch.messages;
    expect(first).toMatchObject({
      topic: 't',
      partition: 2,
      offset: '41',
      key: 'k',
      timestamp: 1_700_000_000_000,
    });
    expect(first!.headers).toEqual({ a: '1', b: 'two', c: 'last', d: '' });
    expect(second!.key).toBeNull();
    expect(second!.value).toHaveLength(0);
    expect(second!.headers).toEqual({});
  });
});
