/**
 * The bench runner: `npm run bench [-- --quick] [-- --only fanout,resume]`. Runs the suites in order,
 * writes bench/results/<suite>.json for each, then bench/results/summary.md and report.html (suites not
 * run this time appear from their saved JSON). A suite that throws or overruns its time limit is
 * reported as failed and the runner goes on; every process a suite started is stopped after it.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs } from './lib/cli-args.ts';
import { describeMachine } from './lib/machine.ts';
import { stopAllChildren } from './lib/spawn-node.ts';
import { loadResults } from './report/load-results.ts';
import type { ReportEntry } from './report/report-input.ts';
import { writeReport } from './report/write-report.ts';
import type { Suite, SuiteResult } from './suite.ts';
import { fanoutSuite } from './suites/fanout.ts';
import { resumeSuite } from './suites/resume.ts';
import { validationSuite } from './suites/validation.ts';

const RESULTS_DIR = fileURLToPath(new URL('../results/', import.meta.url));
/** Suites written elsewhere, loaded when their file exists (default export or any exported Suite). */
const OPTIONAL_SUITES = ['rest', 'ingest', 'event-store', 'end-to-end'];
/** Run order: cheap and independent first, the machine-saturating fan-out late, end-to-end last. */
const ORDER = ['validation', 'rest', 'ingest', 'event-store', 'fanout', 'resume', 'end-to-end'];
/** A suite past this is stopped and reported as failed (quick mode takes ~2.5 minutes for all). */
const SUITE_LIMIT_MS = { quick: 180_000, full: 30 * 60_000 };

const started = Date.now();
const log = (line: string) =>
  process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`);

const isSuite = (value: unknown): value is Suite =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Suite).name === 'string' &&
  typeof (value as Suite).run === 'function';

async function discoverSuites(): Promise<Suite[]> {
  const suites: Suite[] = [validationSuite, fanoutSuite, resumeSuite];
  for (const name of OPTIONAL_SUITES) {
    const file = new URL(`./suites/${name}.ts`, import.meta.url);
    if (!existsSync(file)) continue;
    const module = (await import(file.href)) as Record<string, unknown>;
    const found = [module.default, ...Object.values(module)].find(isSuite);
    if (found) suites.push(found);
    else log(`suites/${name}.ts exports no suite (an object with name and run); skipped`);
  }
  return suites.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
}

async function runOne(suite: Suite, quick: boolean): Promise<ReportEntry> {
  const scratchDir = await mkdtemp(join(os.tmpdir(), `vigil-bench-${suite.name}-`));
  const begun = Date.now();
  const limit = quick ? SUITE_LIMIT_MS.quick : SUITE_LIMIT_MS.full;
  let timer: NodeJS.Timeout | undefined;
  log(`${suite.name}: ${suite.description}`);
  try {
    const result: SuiteResult = await Promise.race([
      suite.run({ quick, log: (line) => log(`${suite.name}: ${line}`), scratchDir }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`time limit of ${limit / 1000} s exceeded`)), limit);
      }),
    ]);
    await writeFile(join(RESULTS_DIR, `${suite.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
    const met = result.targets.filter((t) => t.met).length;
    log(
      `${suite.name}: done in ${((Date.now() - begun) / 1000).toFixed(1)} s, ${met}/${result.targets.length} targets met`,
    );
    return {
      name: suite.name,
      description: suite.description,
      status: 'ran',
      result,
      durationMs: Date.now() - begun,
    };
  } catch (err) {
    const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`${suite.name}: FAILED: ${error}`);
    return {
      name: suite.name,
      description: suite.description,
      status: 'failed',
      error,
      durationMs: Date.now() - begun,
    };
  } finally {
    clearTimeout(timer);
    await stopAllChildren(); // whatever a failed or overrunning suite left running
    await rm(scratchDir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const args = parseBenchArgs(process.argv.slice(2));
  const suites = await discoverSuites();
  if (args.help) {
    process.stdout.write(
      `npm run bench [-- --quick] [-- --only a,b]\nsuites: ${suites.map((s) => s.name).join(', ')}\n`,
    );
    return 0;
  }
  const unknown = (args.only ?? []).filter((name) => !suites.some((s) => s.name === name));
  if (unknown.length > 0)
    throw new Error(
      `unknown suite(s): ${unknown.join(', ')}; known: ${suites.map((s) => s.name).join(', ')}`,
    );
  const selected = suites.filter((s) => !args.only || args.only.includes(s.name));
  await mkdir(RESULTS_DIR, { recursive: true });
  log(`${args.quick ? 'quick' : 'full'} run of ${selected.map((s) => s.name).join(', ')}`);

  const ran: ReportEntry[] = [];
  for (const suite of selected) ran.push(await runOne(suite, args.quick));

  const saved = await loadResults(RESULTS_DIR);
  const entries = suites.flatMap((suite): ReportEntry[] => {
    const now = ran.find((e) => e.name === suite.name);
    if (now) return [now];
    const earlier = saved.find((r) => r.suite === suite.name);
    return earlier
      ? [{ name: suite.name, description: suite.description, status: 'earlier', result: earlier }]
      : [];
  });
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  const paths = await writeReport(RESULTS_DIR, {
    generatedAt: new Date().toISOString(),
    command,
    quick: args.quick,
    machine: describeMachine(),
    entries,
  });
  log(`summary: ${paths.summary}`);
  log(`report:  ${paths.html}`);
  return ran.some((e) => e.status === 'failed') ? 1 : 0;
}

const stopAndExit = (code: number) => {
  void stopAllChildren().finally(() => process.exit(code));
};
process.on('SIGINT', () => stopAndExit(130));
process.on('SIGTERM', () => stopAndExit(143));
main().then(stopAndExit, (err: unknown) => {
  log(`bench: ${err instanceof Error ? err.message : String(err)}`);
  stopAndExit(2);
});
