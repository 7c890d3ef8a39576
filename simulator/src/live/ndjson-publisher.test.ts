import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createNdjsonPublisher } from './ndjson-publisher.ts';

const event = { ts: '2026-11-21T14:00:00.000Z', userId: 'u-1', amount: 5, currency: 'EUR' };

async function written(bare: boolean): Promise<string[]> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  await createNdjsonPublisher({ out, bare }).publish('events.transactions', [
    { key: 'u-1', value: JSON.stringify(event) },
    { key: 'u-1', value: new TextEncoder().encode(JSON.stringify(event)) },
  ]);
  return chunks.join('').split('\n');
}

describe('createNdjsonPublisher', () => {
  it('writes one bare event per line', async () => {
    const lines = await written(true);
    expect(lines).toEqual([JSON.stringify(event), JSON.stringify(event), '']);
  });
  it('wraps events with their source when several sources share the stream', async () => {
    const [first] = await written(false);
    expect(JSON.parse(first!)).toEqual({ source: 'transactions', event });
  });
  it('refuses a topic that carries no events', async () => {
    await expect(
      createNdjsonPublisher({ out: new PassThrough(), bare: true }).publish('alerts', []),
    ).rejects.toThrow(/not an event topic/);
  });
  it('waits for a full stream to drain', async () => {
    const out = new PassThrough({ highWaterMark: 16 });
    const publishing = createNdjsonPublisher({ out, bare: true }).publish('events.transactions', [
      { key: null, value: JSON.stringify(event) },
    ]);
    let settled = false;
    void publishing.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    out.resume();
    await publishing;
    expect(settled).toBe(true);
  });
});
