import { allVars, authVars, commonVars, gatewayVars, processorVars, simulatorVars } from '@vigil/core/config';
import { reachableFiles, readRepoFile } from './repo.ts';

/** core's shared variable groups: a workspace whose sources name a group reads every key in it. */
export const CORE_VAR_GROUPS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  commonVars,
  gatewayVars,
  authVars,
  simulatorVars,
  processorVars,
  allVars,
};

/** Variables read by a library rather than by Vigil's code, and the call that shows the library is used. */
const LIBRARY_VARS: readonly { names: readonly string[]; usedWhen: RegExp; by: string }[] = [
  {
    names: ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_PROFILE'],
    usedWhen: /\bcreate(S3)?Archive\(/,
    by: 'the AWS SDK (S3 archive)',
  },
];

// A variable declared in a config spec (`NAME: validators.str({...})`, `NAME: port({...})`) or read directly.
const SPEC_KEY = /^\s*([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\s*:\s*(?:[a-z]\w*\.)?[a-z]\w*\(/gm;
const DIRECT_READ = /\benv(?:\.([A-Z][A-Z0-9_]*)|\[\s*['"]([A-Z][A-Z0-9_]*)['"]\s*\])/g;

/**
 * The variables a program reads, each with where it was found, from its entry point (`gateway/src/main.ts`)
 * and the files that entry point imports: only composition roots read the environment (STYLE.md).
 */
export function envNamesReadBy(entry: string): Map<string, string> {
  const source = reachableFiles(entry).map(readRepoFile).join('\n');
  const found = new Map<string, string>();
  for (const [group, vars] of Object.entries(CORE_VAR_GROUPS)) {
    if (!new RegExp(`\\b${group}\\b`).test(source)) continue;
    for (const name of Object.keys(vars)) if (!found.has(name)) found.set(name, `core ${group}`);
  }
  for (const match of source.matchAll(SPEC_KEY)) found.set(match[1]!, `a config spec reached from ${entry}`);
  for (const match of source.matchAll(DIRECT_READ)) {
    found.set((match[1] ?? match[2])!, `process.env reached from ${entry}`);
  }
  for (const lib of LIBRARY_VARS) {
    if (!lib.usedWhen.test(source)) continue;
    for (const name of lib.names) found.set(name, lib.by);
  }
  return found;
}
