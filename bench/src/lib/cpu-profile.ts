import { Session } from 'node:inspector';
import { fileURLToPath } from 'node:url';

export interface ProfileEntry {
  /** "functionName file:line", or a V8 pseudo-node such as "(garbage collector)". */
  fn: string;
  selfMs: number;
  selfPercent: number;
}

interface ProfileNode {
  id: number;
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** node_modules/<pkg>/… for dependencies, the repo-relative path for Vigil's own files. */
function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + 1);
  return path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length) : path;
}

/** Top self-time functions of a V8 CPU profile, excluding idle time. */
export function summarizeProfile(profile: Profile, top = 12): ProfileEntry[] {
  const totalSamples = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  if (totalSamples === 0) return [];
  const msPerSample = (profile.endTime - profile.startTime) / 1000 / totalSamples;
  const byFn = new Map<string, number>();
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    const { functionName, url } = node.callFrame;
    if (hits === 0 || functionName === '(idle)') continue;
    // No line numbers: under tsx's loader they point into transformed code, not the .ts source.
    const fn = url ? `${functionName || '(anonymous)'} ${shortUrl(url)}` : functionName;
    byFn.set(fn, (byFn.get(fn) ?? 0) + hits);
    busy += hits;
  }
  return [...byFn.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([fn, hits]) => ({
      fn,
      selfMs: Math.round(hits * msPerSample),
      selfPercent: Math.round((hits / busy) * 1000) / 10,
    }));
}

/** Profiles this process (V8 sampling profiler through the inspector) between start() and stop(). */
export function createCpuProfiler() {
  let session: Session | null = null;
  const post = <T>(method: string, params?: object) =>
    new Promise<T>((resolve, reject) =>
      session!.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))),
    );
  return {
    async start(): Promise<void> {
      session = new Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 500 });
      await post('Profiler.start');
    },
    async stop(top = 12): Promise<ProfileEntry[]> {
      if (!session) return [];
      const { profile } = await post<{ profile: Profile }>('Profiler.stop');
      session.disconnect();
      session = null;
      return summarizeProfile(profile, top);
    },
  };
}
