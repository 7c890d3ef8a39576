import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SuiteResult } from '../suite.ts';
import { isSuiteResult } from './report-input.ts';

/** Suite results saved in `dir` by earlier runs (files of another shape are ignored). */
export async function loadResults(dir: string): Promise<SuiteResult[]> {
  // No results directory yet: no earlier results.
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).sort();
  const results: SuiteResult[] = [];
  for (const name of names) {
    try {
      const parsed: unknown = JSON.parse(await readFile(join(dir, name), 'utf8'));
      if (isSuiteResult(parsed)) results.push(parsed);
    } catch (err) {
      // A hand-edited or truncated file must not stop the report; it is only left out of it.
      process.stderr.write(`bench: skipped ${name} (${(err as Error).message})\n`);
    }
  }
  return results;
}
