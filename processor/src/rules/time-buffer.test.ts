import { describe, expect, it } from 'vitest';
import { TimeBuffer } from './time-buffer.ts';

const ref = (offset: number) => ({ topic: 't', partition: 0, offset: String(offset) });
const contents = (buffer: TimeBuffer) => Array.from({ length: buffer.size }, (_, i) => buffer.time(i));

describe('TimeBuffer', () => {
  it('keeps times ascending whatever the insert order, refs and ids alongside', () => {
    const buffer = new TimeBuffer();
    const inserted = [5, 1, 3, 3, 9].map((t, i) => buffer.insert(t, ref(i), `e${i}`));
    expect(inserted).toEqual([0, 0, 1, 2, 4]);
    expect(contents(buffer)).toEqual([1, 3, 3, 5, 9]);
    expect([buffer.id(1), buffer.id(2)]).toEqual(['e2', 'e3']); // equal times keep arrival order
    expect(buffer.ref(0).offset).toBe('1');
  });

  it('drops from the front and compacts without losing order', () => {
    const buffer = new TimeBuffer();
    for (let t = 0; t < 1000; t++) buffer.insert(t, ref(t), undefined);
    buffer.dropBefore(900);
    buffer.dropFirst();
    expect(buffer.size).toBe(99);
    expect(buffer.time(0)).toBe(901);
    expect(buffer.ref(0).offset).toBe('901');
    expect(buffer.last()).toBe(999);
    buffer.insert(950.5, ref(-1), undefined);
    expect(buffer.time(50)).toBe(950.5);
    buffer.dropBefore(Number.POSITIVE_INFINITY);
    expect(buffer.size).toBe(0);
  });
});
