import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, with a trailing separator. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const readRepoFile = (path: string): string => readFileSync(join(REPO_ROOT, path), 'utf8');

export const readRepoJson = <T>(path: string): T => JSON.parse(readRepoFile(path)) as T;

export interface PackageJson {
  name: string;
  scripts?: Record<string, string>;
  workspaces?: string[];
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export const rootPackage = (): PackageJson => readRepoJson<PackageJson>('package.json');

/** Every file under `dir` (repository-relative, `/`-separated), skipping node_modules. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string) => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const path = join(abs, entry.name);
      if (entry.isDirectory()) walk(path);
      else out.push(relative(REPO_ROOT, path).split('\\').join('/'));
    }
  };
  walk(join(REPO_ROOT, dir));
  return out;
}

const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/**
 * An entry point and every file it reaches through relative imports (`./x.ts`), repository-relative:
 * the code a program actually runs from its own workspace, without its tests or other entry points.
 */
export function reachableFiles(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const match of readRepoFile(path).matchAll(RELATIVE_IMPORT)) {
      const target = normalize(join(dirname(path), match[1]!))
        .split('\\')
        .join('/');
      if (target.endsWith('.ts')) visit(target);
    }
  };
  visit(entry);
  return [...seen];
}

const WORKSPACE_IMPORT = /\bfrom\s*['"]@vigil\/([\w-]+)(\/[\w-]+)?['"]/g;

/**
 * Like reachableFiles, and across workspaces too: an import of `@vigil/<workspace>[/<subpath>]` goes on at the
 * file that workspace's package.json `exports` names. For "does this program serve /health": the server may
 * live in a shared workspace (adapters' createMetricsServer).
 */
export function reachableAcrossWorkspaces(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (start: string) => {
    for (const file of reachableFiles(start)) {
      if (seen.has(file)) continue;
      seen.add(file);
      for (const match of readRepoFile(file).matchAll(WORKSPACE_IMPORT)) {
        const workspace = match[1]!;
        const exports =
          readRepoJson<{ exports?: Record<string, string> }>(`${workspace}/package.json`).exports ?? {};
        const target = exports[`.${match[2] ?? ''}`];
        if (target) visit(normalize(join(workspace, target)).split('\\').join('/'));
      }
    }
  };
  visit(entry);
  return [...seen];
}
