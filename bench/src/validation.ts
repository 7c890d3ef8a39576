/**
 * `npm run bench:validation -w bench`: the validation suite alone (kept for that script; the runner
 * `npm run bench -- --only validation` does the same and also refreshes the summary and report).
 */
import { writeFile } from 'node:fs/promises';
import { validationSuite } from './suites/validation.ts';

const result = await validationSuite.run({
  quick: process.argv.includes('--quick'),
  log: (line) => process.stderr.write(`validation: ${line}\n`),
  scratchDir: process.cwd(),
});
await writeFile(
  new URL('../results/validation.json', import.meta.url),
  `${JSON.stringify(result, null, 2)}\n`,
);
console.table(result.figures.results);
