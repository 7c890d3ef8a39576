import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedded } from '@vigil/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  launchBrowser,
  requireChromium,
  SCREENSHOTS,
  signIn,
  type TestBrowser,
  WAIT,
} from './e2e-browser.ts';
import { E2E_ADMIN, E2E_ADMIN_TOKEN, e2eApi, startSystem } from './e2e-system.ts';

// The rule editor in real Chromium against the embedded system (issue #16, "Backtest"): edit a rule with the
// form (inline problems from core's parser), backtest the change over the last 24 h of archived events, save
// it, and see the new version listed and in force.

requireChromium();

const RULE = 'transactions.large-amount';

describe.skipIf(!chromiumAvailable())('the rule editor (Chromium)', () => {
  let system: Embedded | null = null;
  let browser: TestBrowser;
  let dataDir: string;
  let baseUrl: string;
  const headers = { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-rules-'));
    system = await startSystem({ dataDir });
    baseUrl = `http://127.0.0.1:${system.port}`;
    browser = await launchBrowser();
    await signIn(browser.page, baseUrl, E2E_ADMIN);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('edits a rule, backtests it over the last 24 h, saves it and lists the new version', async () => {
    const gateway = e2eApi(baseUrl, E2E_ADMIN_TOKEN);
    const tag = randomUUID().slice(0, 8);
    const ts = new Date().toISOString();
    // Three transactions of three users: only the 12,000 one passes the rule's threshold of 10,000.
    await gateway.postEvents(
      'transactions',
      [6_000, 7_000, 12_000].map((amount, i) => ({
        id: `${tag}-${i}`,
        ts,
        userId: `${tag}-u${i}`,
        amount,
        currency: 'EUR',
      })),
    );
    await expect.poll(async () => (await gateway.listAlerts({ ruleId: RULE })).length, WAIT).toBe(1);
    // The events reach the archive within its age limit (2 s): wait until a backtest sees all three.
    const archived = async () => {
      const current = (await (await fetch(`${baseUrl}/api/rules/${RULE}`, { headers })).json()) as Record<
        string,
        unknown
      >;
      const { version: _v, updatedBy: _b, updatedAt: _a, ...rule } = current;
      const range = { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() };
      const response = await fetch(`${baseUrl}/api/rules/backtest`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ rule, ...range }),
      });
      return ((await response.json()) as { replay: { events: number } }).replay.events;
    };
    await expect.poll(archived, WAIT).toBe(3);

    const page = browser.page;
    await page.goto(`${baseUrl}/rules`);
    const card = page.locator(`#rule-${RULE.replaceAll('.', '\\.')}`);
    await card.waitFor(WAIT);
    expect(await card.getByTestId('rule-version-badge').textContent()).toBe('v1');
    await card.getByTestId('edit-rule').click();
    await page.getByTestId('rule-form').waitFor(WAIT);
    expect(await page.getByTestId('editor-version').textContent()).toBe('v1');

    // Inline validation from core's parser, in the browser: a threshold that is no number.
    const threshold = page.getByTestId('field-threshold');
    await threshold.fill('lots');
    await expect
      .poll(() => page.getByTestId('problem-threshold').textContent(), WAIT)
      .toContain('expected number');
    expect(await page.getByTestId('save-rule').isDisabled()).toBe(true);
    await threshold.fill('5000');
    await expect.poll(() => page.getByTestId('rule-validity').textContent(), WAIT).toBe('Valid rule.');
    expect(await page.getByTestId('rule-json').inputValue()).toContain('"threshold": 5000');

    // The backtest of the change: all three would fire; the one raised stays, two are new.
    await page.getByTestId('run-backtest').click();
    await page.getByTestId('backtest-result').waitFor(WAIT);
    expect(await page.getByTestId('backtest-would').textContent()).toBe('3 alerts');
    expect(await page.getByTestId('backtest-raised').textContent()).toBe('1 alert');
    expect(await page.getByTestId('backtest-added').getAttribute('data-count')).toBe('2');
    expect(await page.getByTestId('backtest-unchanged').getAttribute('data-count')).toBe('1');
    expect(await page.getByTestId('backtest-removed').getAttribute('data-count')).toBe('0');
    await page.screenshot({ path: join(SCREENSHOTS, 'rule-editor.png'), fullPage: true });

    await page.getByTestId('save-rule').click();
    await expect
      .poll(() => page.getByTestId('rule-saved').textContent(), WAIT)
      .toContain('version 2 is in force');
    expect(await page.getByTestId('editor-version').textContent()).toBe('v2');
    const versions = page.getByTestId('rule-version');
    await expect.poll(() => versions.count(), WAIT).toBe(2);
    expect(await versions.first().getAttribute('data-change')).toBe('replaced');
    expect(await versions.first().textContent()).toContain(E2E_ADMIN.username);

    // In force: the list shows v2, and the API serves the new threshold.
    await page.goto(`${baseUrl}/rules`);
    await card.waitFor(WAIT);
    expect(await card.getByTestId('rule-version-badge').textContent()).toBe('v2');
    const served = (await (await fetch(`${baseUrl}/api/rules/${RULE}`, { headers })).json()) as Record<
      string,
      unknown
    >;
    expect(served).toMatchObject({ threshold: 5000, version: 2, updatedBy: E2E_ADMIN.username });
    expect(browser.pageErrors).toEqual([]);
  });
});
