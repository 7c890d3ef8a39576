import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedded } from '@vigil/app';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chromiumAvailable,
  launchBrowser,
  requireChromium,
  SCREENSHOTS,
  signIn,
  type TestBrowser,
  WAIT,
} from './e2e-browser.ts';
import { E2E_ADMIN, E2E_ADMIN_TOKEN, e2eApi, slowSamples, startSystem } from './e2e-system.ts';

// Silences in real Chromium against the embedded system (issue #14, "Dashboard"): created from an alert
// with its rule and key filled in and previewed, a new matching alert shows as silenced, and expiring the
// silence clears the badge in the other tabs, all from the gateway's pushed frames.

requireChromium();

describe.skipIf(!chromiumAvailable())('silences in the dashboard (Chromium)', () => {
  let system: Embedded | null = null;
  let browser: TestBrowser;
  let dataDir: string;
  let baseUrl: string;
  let gateway: ReturnType<typeof e2eApi>;
  const tabs: Page[] = [];

  const newTab = async () => {
    const tab = await browser.context.newPage();
    tab.on('pageerror', (error) => browser.pageErrors.push(error.message));
    tabs.push(tab);
    return tab;
  };
  const live = (tab: Page) =>
    expect
      .poll(() => tab.locator('[data-testid=connection-status]').getAttribute('data-status'), WAIT)
      .toBe('live');
  const badges = (tab: Page, selector: string) => tab.locator(selector).getByTestId('silenced-badge').count();

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-silences-'));
    system = await startSystem({ dataDir });
    baseUrl = `http://127.0.0.1:${system.port}`;
    gateway = e2eApi(baseUrl, E2E_ADMIN_TOKEN);
    browser = await launchBrowser();
    await signIn(browser.page, baseUrl, E2E_ADMIN);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(async () => {
    for (const tab of tabs.splice(0)) await tab.close();
    expect(browser.pageErrors).toEqual([]);
  });

  it('silences from an alert: a new matching alert shows as silenced; expiring clears the badge', async () => {
    const service = `sil-${randomUUID().slice(0, 8)}`;
    await gateway.postEvents('metrics', slowSamples(service, 1));
    await expect.poll(async () => (await gateway.listAlerts({ service })).length, WAIT).toBe(1);
    const [first] = await gateway.listAlerts({ service });
    const firstId = first?.id ?? '';

    // Other tabs: the alerts list of the service and the overview's live feed.
    const list = await newTab();
    await list.goto(`${baseUrl}/alerts?service=${service}`);
    await live(list);
    const firstRow = `[data-testid=alert-row][data-alert-id="${firstId}"]`;
    await list.locator(firstRow).waitFor(WAIT);
    expect(await badges(list, firstRow)).toBe(0);
    const overview = await newTab();
    await overview.goto(`${baseUrl}/`);
    await live(overview);

    // "Silence…" on the alert opens the form with its rule and key.
    const actor = browser.page;
    await actor.goto(`${baseUrl}/alerts/${firstId}`);
    await actor.getByTestId('silence-alert').click();
    await actor.getByTestId('silence-form').waitFor(WAIT);
    expect(await actor.getByTestId('matcher-ruleId').inputValue()).toBe(first?.ruleId);
    expect(await actor.getByTestId('matcher-key').inputValue()).toBe(first?.key);
    await actor.getByTestId('silence-comment').fill('host under maintenance');
    await actor.getByTestId('preview-silence').click();
    await expect
      .poll(() => actor.getByTestId('preview-total').textContent(), WAIT)
      .toContain('would have matched 1 alert');
    await actor.getByTestId('silence-preview').locator(`[data-alert-id="${firstId}"]`).waitFor(WAIT);
    await actor.getByTestId('create-silence').click();
    await actor.getByTestId('silence-created').waitFor(WAIT);
    const row = actor.locator('[data-testid=silence-row][data-state=active]');
    await row.first().waitFor(WAIT);
    const silenceId = (await row.first().getAttribute('data-silence-id')) ?? '';
    expect(await row.first().textContent()).toContain(E2E_ADMIN.username);

    // The open episode is silenced at once, in the other tab too.
    await expect.poll(() => badges(list, firstRow), WAIT).toBe(1);
    const shown = await gateway.listAlerts({ service });
    expect(shown[0]?.silencedBy).toEqual([silenceId]);

    // Resolved, then the host breaches again: a new episode of the silenced rule and key, silenced as it opens.
    const resolved = await fetch(`${baseUrl}/api/alerts/${encodeURIComponent(firstId)}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'resolved' }),
    });
    expect(resolved.status).toBe(200);
    await gateway.postEvents('metrics', slowSamples(service, 1));
    await expect.poll(async () => (await gateway.listAlerts({ service })).length, WAIT).toBe(2);
    const second = (await gateway.listAlerts({ service })).find((a) => a.id !== firstId)!;
    expect(second.silencedBy).toEqual([silenceId]);
    const feedItem = `[data-testid=feed-item][data-alert-id="${second.id}"]`;
    await overview.locator(feedItem).waitFor(WAIT);
    await expect.poll(() => badges(overview, feedItem), WAIT).toBe(1);
    await actor.goto(`${baseUrl}/alerts/${second.id}`);
    await actor.getByTestId('alert-detail').waitFor(WAIT);
    expect(await actor.getByTestId('detail-silenced-by').textContent()).toContain(silenceId);
    await actor.screenshot({ path: join(SCREENSHOTS, 'alert-silenced.png'), fullPage: true });

    // Expired on the Silences page: the open episode's badge goes in the other tab; the resolved one keeps
    // the silencedBy it resolved with.
    await actor.goto(`${baseUrl}/silences`);
    const active = actor.locator(`[data-testid=silence-row][data-silence-id="${silenceId}"]`);
    await active.waitFor(WAIT);
    await actor.screenshot({ path: join(SCREENSHOTS, 'silences.png'), fullPage: true });
    await active.getByTestId('expire-silence').click();
    await active.getByTestId('expire-silence-confirm').click();
    await expect.poll(() => active.count(), WAIT).toBe(0);
    await actor.getByTestId('silences-expired').click();
    const expired = actor.locator(`[data-testid=silence-row][data-silence-id="${silenceId}"]`);
    await expect.poll(() => expired.getAttribute('data-state'), WAIT).toBe('expired');
    await expect.poll(() => badges(overview, feedItem), WAIT).toBe(0);
    const after = await gateway.listAlerts({ service });
    expect(after.find((a) => a.id === second.id)?.silencedBy).toEqual([]);
    expect(after.find((a) => a.id === firstId)?.silencedBy).toEqual([silenceId]);
  }, 120_000);
});
