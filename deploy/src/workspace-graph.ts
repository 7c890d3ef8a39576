import { reachableFiles, readRepoFile, readRepoJson, rootPackage } from './repo.ts';

interface WorkspaceManifest {
  name: string;
  exports?: Record<string, string> | string;
}

/** Package name (`@vigil/core`) → workspace folder (`core`), from the root package.json's workspaces. */
export function workspaceFolders(): Map<string, string> {
  const folders = new Map<string, string>();
  for (const folder of rootPackage().workspaces ?? []) {
    folders.set(readRepoJson<WorkspaceManifest>(`${folder}/package.json`).name, folder);
  }
  return folders;
}

const PACKAGE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*)['"](@vigil\/[\w-]+)(\/[\w./-]+)?['"]/g;

/**
 * The workspace folders a program needs at run time: its own, and every workspace its code imports by
 * package name (`@vigil/db`, `@vigil/core/config`), followed through their exported entry points.
 */
export function workspacesNeededBy(entry: string): string[] {
  const folders = workspaceFolders();
  const needed = new Set<string>([entry.split('/')[0]!]);
  const pending = [entry];
  const visited = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    for (const path of reachableFiles(file)) {
      if (visited.has(path)) continue;
      visited.add(path);
      for (const match of readRepoFile(path).matchAll(PACKAGE_IMPORT)) {
        const folder = folders.get(match[1]!);
        if (!folder) throw new Error(`${path} imports ${match[1]}, which is not a workspace`);
        needed.add(folder);
        const manifest = readRepoJson<WorkspaceManifest>(`${folder}/package.json`);
        const exportsMap =
          typeof manifest.exports === 'string' ? { '.': manifest.exports } : manifest.exports;
        const target = exportsMap?.[`.${match[2] ?? ''}`];
        if (target) pending.push(`${folder}/${target.replace(/^\.\//, '')}`);
      }
    }
  }
  return [...needed].sort();
}
