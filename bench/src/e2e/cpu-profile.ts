/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) into where the time went: the top functions by self time
 * and the same time grouped by area (a dependency, a Vigil workspace, Node internals, GC).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  /** Milliseconds of samples whose top frame was this function. */
  selfMs: number;
  /** Share of the busy (non-idle) time, in percent. */
  percent: number;
}

export interface ProfileSummary {
  file: string;
  busyMs: number;
  idleMs: number;
  topFunctions: SelfTime[];
  byArea: SelfTime[];
}

const SPECIAL = new Set(['(garbage collector)', '(program)', '(idle)', '(root)']);

/** `kafkajs`, `@aws-sdk/client-s3`, `vigil/processor`, `node internals`, `(garbage collector)`... */
export function areaOf(frame: ProfileNode['callFrame']): string {
  if (SPECIAL.has(frame.functionName) && frame.url === '') return frame.functionName;
  const url = frame.url;
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (module) return module[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const workspace = /\/(core|adapters|db|processor|gateway|simulator|harness|bench)\/src\//.exec(url);
  if (workspace) return `vigil/${workspace[1]}`;
  return url === '' ? 'native / V8' : 'other';
}

function nameOf(frame: ProfileNode['callFrame']): string {
  const short = frame.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*?\/(?=[a-z]+\/src\/)/, '');
  // tsx-compiled Vigil files report line 1 for everything: the line would only mislead there.
  const line = frame.lineNumber > 0 ? `:${frame.lineNumber + 1}` : '';
  const where = short ? ` ${short}${line}` : '';
  return `${frame.functionName || '(anonymous)'}${where}`;
}

const ranked = (totals: Map<string, number>, busyMs: number, limit: number): SelfTime[] =>
  [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, ms]) => ({
      name,
      selfMs: Math.round(ms),
      percent: Math.round((ms / Math.max(busyMs, 1)) * 1000) / 10,
    }));

/** Milliseconds since the profiled process started (its profile starts with it). */
export interface ProfileWindow {
  fromMs: number;
  toMs: number;
}

/** Summarises the samples inside `window` (the load, without start-up and shutdown), or all of them. */
export async function summarizeCpuProfile(
  file: string,
  window?: ProfileWindow,
  limit = 15,
): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  let idleMs = 0;
  let busyMs = 0;
  let at = 0;
  profile.samples.forEach((id, index) => {
    const frame = byId.get(id)?.callFrame;
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    at += ms;
    if (!frame || (window && (at < window.fromMs || at > window.toMs))) return;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      return;
    }
    busyMs += ms;
    const name = nameOf(frame);
    functions.set(name, (functions.get(name) ?? 0) + ms);
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  });
  return {
    // The name only: the profile lives in the scratch dir, which the runner removes.
    file: basename(file),
    busyMs: Math.round(busyMs),
    idleMs: Math.round(idleMs),
    topFunctions: ranked(functions, busyMs, limit),
    byArea: ranked(areas, busyMs, limit),
  };
}

/**
 * The main thread's `.cpuprofile` a child wrote into `dir`, or null. Node names them
 * CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile, one per thread: tsx's loader runs in worker thread 1.
 */
export async function findCpuProfile(dir: string): Promise<string | null> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile')).sort();
  const main = files.filter((f) => f.split('.')[4] === '0');
  const file = main.at(-1) ?? files.at(-1);
  return file ? join(dir, file) : null;
}

/** One line for the notes: "areas: vigil/db 31%, pg 22%, …; top: fn (file) 8.1%, …". */
export function describeProfile(summary: ProfileSummary, what: string): string {
  const areas = summary.byArea
    .slice(0, 6)
    .map((a) => `${a.name} ${a.percent}%`)
    .join(', ');
  const top = summary.topFunctions
    .slice(0, 6)
    .map((f) => `${f.name} ${f.percent}%`)
    .join('; ');
  return `${what} CPU profile (${summary.busyMs} ms busy, ${summary.idleMs} ms idle): by area ${areas}. Top self time: ${top}.`;
}
