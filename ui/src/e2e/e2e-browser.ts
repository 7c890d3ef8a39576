import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** Debian's Chromium (`apt-get install -y chromium`); playwright-core downloads no browser. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumAvailable = (): boolean => existsSync(CHROMIUM);

/** Where the e2e tests write the screenshots the README shows. */
export const SCREENSHOTS = fileURLToPath(new URL('../../screenshots/', import.meta.url));
/** How long a browser-side expectation is polled for. */
export const WAIT = { timeout: 30_000, interval: 100 };

/** Called at a test file's top: without Chromium the file is skipped with a message, and fails under CI. */
export function requireChromium(): void {
  if (chromiumAvailable()) return;
  const reason = `Chromium not found at ${CHROMIUM} (Debian: apt-get install -y chromium)`;
  if (process.env.CI === 'true') throw new Error(reason);
  process.stderr.write(`[ui e2e] skipping: ${reason}\n`);
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Every request the page made, in order, with the local time it was sent. */
  requests: { url: string; method: string; at: number }[];
  /** Uncaught page errors: a test fails if any appear. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** A fresh headless Chromium profile (no shared cache or storage between runs). */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'vigil-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    viewport: { width: 1440, height: 960 },
    colorScheme: 'light',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: TestBrowser['requests'] = [];
  const pageErrors: string[] = [];
  page.on('request', (request) =>
    requests.push({ url: request.url(), method: request.method(), at: Date.now() }),
  );
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return {
    context,
    page,
    requests,
    pageErrors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Signs the context in through the real sign-in page (its cookie then serves every page and the socket):
 * opens a page that needs a session, follows the redirect to /login and submits the form.
 */
export async function signIn(
  page: Page,
  baseUrl: string,
  user: { username: string; password: string },
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByTestId('login-username').fill(user.username);
  await page.getByTestId('login-password').fill(user.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('user-menu').waitFor({ timeout: 30_000 });
}
