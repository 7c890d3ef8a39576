import { readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { renderHtml } from './html-report.ts';
import type { ReportInput } from './report-input.ts';
import { renderSummary } from './summary-md.ts';

/** Chart.js's self-registering UMD build, found next to the package's main file. */
async function chartJsSource(): Promise<string> {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFile(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

/** Writes summary.md and report.html into `dir`; returns their paths. */
export async function writeReport(
  dir: string,
  input: ReportInput,
): Promise<{ summary: string; html: string }> {
  const summary = join(dir, 'summary.md');
  const html = join(dir, 'report.html');
  await writeFile(summary, renderSummary(input));
  await writeFile(html, renderHtml(input, await chartJsSource()));
  return { summary, html };
}
