/**
 * Renders bench/results/report.html in Debian's Chromium and saves the fan-out charts as
 * bench/results/fanout.png, the picture the root README shows. Run `npm run bench:picture` after a bench run.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const report = fileURLToPath(new URL('../../results/report.html', import.meta.url));
const picture = fileURLToPath(new URL('../../results/fanout.png', import.meta.url));
const profile = await mkdtemp(join(tmpdir(), 'vigil-report-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  viewport: { width: 1280, height: 900 },
});
try {
  const page = await context.newPage();
  await page.goto(`file://${report}`);
  await page.waitForTimeout(500); // charts draw on the next frames; no animation is configured
  await page.locator('#fanout .charts').first().screenshot({ path: picture });
  process.stderr.write(`wrote ${picture}\n`);
} finally {
  await context.close();
  await rm(profile, { recursive: true, force: true });
}
