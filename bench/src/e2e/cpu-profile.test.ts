import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { areaOf, findCpuProfile, summarizeCpuProfile } from './cpu-profile.ts';

const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });

describe('areaOf', () => {
  it('names dependencies, Vigil workspaces, Node and V8', () => {
    expect(areaOf(frame('decode', 'file:///w/node_modules/kafkajs/src/protocol/x.js'))).toBe('kafkajs');
    expect(areaOf(frame('send', 'file:///w/node_modules/@aws-sdk/client-s3/dist/x.js'))).toBe(
      '@aws-sdk/client-s3',
    );
    expect(areaOf(frame('handle', 'file:///w/processor/src/pipeline/event-processor.ts'))).toBe(
      'vigil/processor',
    );
    expect(areaOf(frame('readFile', 'node:fs'))).toBe('node internals');
    expect(areaOf(frame('(garbage collector)', ''))).toBe('(garbage collector)');
    expect(areaOf(frame('writev', ''))).toBe('native / V8');
  });
});

describe('summarizeCpuProfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-profile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(idle)', '') },
      { id: 2, callFrame: frame('handle', 'file:///w/gateway/src/http/route.ts') },
      { id: 3, callFrame: frame('query', 'file:///w/node_modules/pg/lib/client.js') },
    ],
    // 1 ms apart: idle, handle, handle, query, handle, idle
    samples: [1, 2, 2, 3, 2, 1],
    timeDeltas: [1000, 1000, 1000, 1000, 1000, 1000],
  };
  writeFileSync(join(dir, 'CPU.1.2.3.1.002.cpuprofile'), '{}');
  writeFileSync(join(dir, 'CPU.1.2.3.0.001.cpuprofile'), JSON.stringify(profile));

  it('picks the main thread profile, not the loader worker’s', async () => {
    expect(await findCpuProfile(dir)).toBe(join(dir, 'CPU.1.2.3.0.001.cpuprofile'));
  });

  it('ranks self time and areas over the busy time of the window', async () => {
    const file = join(dir, 'CPU.1.2.3.0.001.cpuprofile');
    const all = await summarizeCpuProfile(file);
    expect(all).toMatchObject({ busyMs: 4, idleMs: 2 });
    expect(all.byArea).toEqual([
      { name: 'vigil/gateway', selfMs: 3, percent: 75 },
      { name: 'pg', selfMs: 1, percent: 25 },
    ]);
    const window = await summarizeCpuProfile(file, { fromMs: 3.5, toMs: 5 });
    expect(window.topFunctions.map((f) => [f.name, f.selfMs])).toEqual([
      ['query pg/lib/client.js', 1],
      ['handle gateway/src/http/route.ts', 1],
    ]);
  });
});
