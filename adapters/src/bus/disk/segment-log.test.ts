import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame } from './log-frame.ts';
import { SegmentLog } from './segment-log.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
const fresh = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-segments-'));
  dirs.push(dir);
  return dir;
};
const frame = (i: number) =>
  encodeFrame({ key: `k${i}`, value: Buffer.from(`value-${i}`), headers: { n: String(i) }, timestamp: i });

describe('segment log', () => {
  it('rolls segments by size and names each by its first offset', async () => {
    const dir = await fresh();
    const log = new SegmentLog(dir, 100);
    await log.open();
    for (let i = 0; i < 10; i += 1) await log.append([frame(i), frame(i)]);
    await log.close();
    const names = (await readdir(dir)).sort();
    expect(names.length).toBeGreaterThan(2);
    expect(names[0]).toBe('00000000000000000000.log');

    const replayed = await new SegmentLog(dir, 100).open();
    expect(replayed.base).toBe(0);
    expect(replayed.messages).toHaveLength(20);
    expect(replayed.messages[19]).toEqual({
      key: 'k9',
      value: Buffer.from('value-9'),
      headers: { n: '9' },
      timestamp: 9,
    });
  });

  it('deletes only segments wholly below the low offset and keeps the high watermark when all are trimmed', async () => {
    const dir = await fresh();
    const log = new SegmentLog(dir, 100);
    await log.open();
    for (let i = 0; i < 12; i += 1) await log.append([frame(i)]);
    const before = (await readdir(dir)).length;
    await log.trim(5);
    const after = (await readdir(dir)).sort();
    expect(after.length).toBeLessThan(before);
    expect(Number(after[0]!.slice(0, 20))).toBeLessThanOrEqual(5);
    await log.trim(12);
    await log.close();
    const replayed = await new SegmentLog(dir, 100).open();
    expect(replayed.base + replayed.messages.length).toBe(12);
  });

  it('refuses a corrupt segment that is not the newest, naming it', async () => {
    const dir = await fresh();
    const log = new SegmentLog(dir, 50);
    await log.open();
    for (let i = 0; i < 6; i += 1) await log.append([frame(i)]);
    await log.close();
    const [oldest] = (await readdir(dir)).sort();
    await writeFile(join(dir, oldest!), Buffer.from('garbage that is not a frame'));
    await expect(new SegmentLog(dir, 50).open()).rejects.toThrow(/corrupt frame|does not follow/);
  });
});
