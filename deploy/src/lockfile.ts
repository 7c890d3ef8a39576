import { readRepoJson } from './repo.ts';

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  hasInstallScript?: boolean;
  bin?: Record<string, string>;
  os?: string[];
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

export const lockPackages = (): Record<string, LockEntry> =>
  readRepoJson<{ packages: Record<string, LockEntry> }>('package-lock.json').packages;

/** Node's resolution over the lockfile's tree: the nearest `node_modules/<name>` from `from` upwards. */
function resolveKey(packages: Record<string, LockEntry>, from: string, name: string): string | undefined {
  let base = from;
  for (;;) {
    const key = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[key]) return key;
    if (base === '') return undefined;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

/**
 * The lockfile keys a package needs at run time (itself, its dependencies, and its optional ones that
 * can install on Linux), e.g. tsx → node_modules/tsx, node_modules/esbuild, node_modules/@esbuild/linux-x64, ….
 */
export function dependencyClosure(name: string): string[] {
  const packages = lockPackages();
  const closure = new Set<string>();
  const visit = (key: string) => {
    if (closure.has(key)) return;
    closure.add(key);
    const entry = packages[key]!;
    const deps = { ...entry.dependencies, ...entry.optionalDependencies };
    for (const dep of Object.keys(deps)) {
      const depKey = resolveKey(packages, key, dep);
      if (depKey === undefined) {
        if (entry.optionalDependencies?.[dep] !== undefined) continue; // never installed on any platform here
        throw new Error(`${key} depends on ${dep}, which the lockfile does not hold`);
      }
      const os = packages[depKey]!.os;
      if (os && !os.includes('linux')) continue;
      visit(depKey);
    }
  };
  const root = resolveKey(packages, '', name);
  if (!root) throw new Error(`${name} is not in package-lock.json`);
  visit(root);
  return [...closure];
}

/** The folder under the top node_modules that holds a key: `node_modules/@esbuild/linux-x64` → `@esbuild/linux-x64`. */
export const topFolder = (key: string): string => {
  const rest = key.slice('node_modules/'.length);
  const parts = rest.split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
};
