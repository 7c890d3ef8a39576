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

// The alert lifecycle in real Chromium against the embedded system (issue #14, "Dashboard"): a change made
// in one tab reaches the other tabs of the browser as the gateway's pushed `update`, never by a reload.

requireChromium();

describe.skipIf(!chromiumAvailable())('alert lifecycle in the dashboard (Chromium, several tabs)', () => {
  let system: Embedded | null = null;
  let browser: TestBrowser;
  let dataDir: string;
  let baseUrl: string;
  let gateway: ReturnType<typeof e2eApi>;
  const tabs: Page[] = [];
  const tag = () => randomUUID().slice(0, 8);

  /** Another tab of the same signed-in browser (same cookie, its own socket). */
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
  /** Marks the document, so a later check proves the tab was never reloaded. */
  const mark = (tab: Page) =>
    tab.evaluate(() => {
      (window as unknown as { e2eMarker: boolean }).e2eMarker = true;
    });
  const marked = (tab: Page) =>
    tab.evaluate(() => (window as unknown as { e2eMarker?: boolean }).e2eMarker === true);
  const counter = async (tab: Page, status: string) => {
    const text = (await tab.locator(`[data-testid=count-${status}] [data-value]`).textContent()) ?? '';
    return /\d/.test(text) ? Number(text.replace(/\D/g, '')) : Number.NaN;
  };
  const rowStatuses = (tab: Page) =>
    tab
      .locator('[data-testid=alert-row]')
      .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.status ?? ''));
  /** Posts one slow sample per service and waits until each service has its alert. */
  const raise = async (services: string[]) => {
    for (const service of services) await gateway.postEvents('metrics', slowSamples(service, 1));
    await expect
      .poll(async () => (await gateway.listAlerts({ service: services.join(',') })).length, WAIT)
      .toBe(services.length);
    return gateway.listAlerts({ service: services.join(',') });
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-lifecycle-'));
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

  it('acknowledges in one tab; the list, the overview counters and the detail in other tabs follow without a reload', async () => {
    const service = `ack-${tag()}`;
    const [alert] = await raise([service]);
    const id = alert?.id ?? '';

    const list = await newTab();
    await list.goto(`${baseUrl}/alerts?service=${service}`);
    await live(list);
    await list.locator(`[data-testid=alert-row][data-alert-id="${id}"]`).waitFor(WAIT);

    const overview = await newTab();
    await overview.goto(`${baseUrl}/`);
    await live(overview);
    await expect.poll(() => counter(overview, 'acknowledged'), WAIT).not.toBeNaN();
    const openBefore = await counter(overview, 'open');
    const ackBefore = await counter(overview, 'acknowledged');

    const watcher = await newTab();
    await watcher.goto(`${baseUrl}/alerts/${id}`);
    await live(watcher);
    await watcher.getByTestId('alert-detail').waitFor(WAIT);
    for (const tab of [list, overview, watcher]) await mark(tab);

    const actor = browser.page;
    await actor.goto(`${baseUrl}/alerts/${id}`);
    await actor.getByTestId('alert-detail').waitFor(WAIT);
    expect(await actor.getByTestId('alert-status').textContent()).toBe('open');
    await actor.getByTestId('status-note').fill('looking into it');
    await actor.getByTestId('status-acknowledge').click();
    await expect.poll(() => actor.getByTestId('alert-status').textContent(), WAIT).toBe('acknowledged');
    // The trail records who and why; the acting tab refreshes it on the change.
    const entry = actor.locator('[data-testid=activity-entry][data-action=acknowledged]');
    await entry.first().waitFor(WAIT);
    expect(await entry.first().textContent()).toContain('looking into it');
    expect(await entry.first().textContent()).toContain(E2E_ADMIN.username);
    await actor.screenshot({ path: join(SCREENSHOTS, 'alert-lifecycle.png'), fullPage: true });

    // The other tabs hear it as the gateway's pushed update.
    const row = list.locator(`[data-testid=alert-row][data-alert-id="${id}"]`);
    await expect.poll(() => row.getAttribute('data-status'), WAIT).toBe('acknowledged');
    await expect.poll(() => watcher.getByTestId('alert-status').textContent(), WAIT).toBe('acknowledged');
    await expect
      .poll(() => watcher.getByTestId('detail-acknowledged-by').textContent(), WAIT)
      .toBe(E2E_ADMIN.username);
    await watcher.locator('[data-testid=activity-entry][data-action=acknowledged]').first().waitFor(WAIT);
    await expect.poll(() => counter(overview, 'acknowledged'), WAIT).toBe(ackBefore + 1);
    expect(await counter(overview, 'open')).toBe(openBefore - 1);
    for (const tab of [list, overview, watcher]) expect(await marked(tab)).toBe(true);
    expect((await gateway.listAlerts({ service }))[0]?.status).toBe('acknowledged');
  }, 120_000);

  it('shows a firing folded into an episode as more occurrences in the list and the feed, in place', async () => {
    const service = `fold-${tag()}`;
    const [alert] = await raise([service]);
    const list = await newTab();
    await list.goto(`${baseUrl}/alerts?service=${service}`);
    await live(list);
    const row = list.locator(`[data-testid=alert-row][data-alert-id="${alert?.id}"]`);
    await expect.poll(() => row.getByTestId('alert-occurrences').textContent(), WAIT).toBe('×1');
    const feed = browser.page;
    await feed.goto(`${baseUrl}/`);
    await live(feed);
    const item = feed.locator(`[data-testid=feed-item][data-alert-id="${alert?.id}"]`);
    await item.waitFor(WAIT);
    await mark(list);

    // The same host breaching again: the processor folds it into the open episode and publishes an update.
    await gateway.postEvents('metrics', slowSamples(service, 1));
    await expect.poll(() => row.getByTestId('alert-occurrences').textContent(), WAIT).toBe('×2');
    await expect.poll(() => item.getAttribute('data-occurrences'), WAIT).toBe('2');
    expect(await item.getByTestId('feed-occurrences').textContent()).toContain('×2, last seen');
    expect(await list.locator('[data-testid=alert-row]').count()).toBe(1);
    expect(await feed.locator(`[data-testid=feed-item][data-alert-id="${alert?.id}"]`).count()).toBe(1);
    expect(await marked(list)).toBe(true);
  });

  it('resolves the selected alerts at once from the list; another tab sees them resolved', async () => {
    const prefix = `bulk-${tag()}`;
    const services = [1, 2, 3].map((i) => `${prefix}-${i}`);
    const alerts = await raise(services);
    const view = `${baseUrl}/alerts?service=${services.join(',')}`;

    const other = await newTab();
    await other.goto(view);
    await live(other);
    await expect.poll(() => rowStatuses(other), WAIT).toEqual(['open', 'open', 'open']);
    await mark(other);

    const actor = browser.page;
    await actor.goto(view);
    await expect.poll(() => rowStatuses(actor), WAIT).toEqual(['open', 'open', 'open']);
    await actor.getByTestId('select-all').check();
    expect(await actor.getByTestId('bulk-count').textContent()).toBe('3 selected');
    await actor.getByTestId('bulk-note').fill('deploy rolled back');
    await actor.getByTestId('bulk-resolve').click();
    await expect.poll(() => actor.getByTestId('bulk-message').textContent(), WAIT).toBe('Resolved 3 alerts.');
    await expect.poll(() => rowStatuses(actor), WAIT).toEqual(['resolved', 'resolved', 'resolved']);
    await actor.screenshot({ path: join(SCREENSHOTS, 'alerts-bulk.png') });

    await expect.poll(() => rowStatuses(other), WAIT).toEqual(['resolved', 'resolved', 'resolved']);
    expect(await marked(other)).toBe(true);
    const stored = await gateway.listAlerts({ service: services.join(',') });
    expect(stored.map((a) => a.status)).toEqual(['resolved', 'resolved', 'resolved']);
    expect(new Set(stored.map((a) => a.id))).toEqual(new Set(alerts.map((a) => a.id)));
  }, 120_000);

  it('rolls an optimistic change back, with the reason, when the gateway refuses it', async () => {
    const [alert] = await raise([`refused-${tag()}`]);
    const tab = browser.page;
    await tab.route('**/api/alerts/*', (route) =>
      route.request().method() === 'PATCH'
        ? route.fulfill({
            status: 503,
            contentType: 'application/json',
            body: JSON.stringify({ error: 'store unavailable' }),
          })
        : route.fallback(),
    );
    try {
      await tab.goto(`${baseUrl}/alerts/${alert?.id}`);
      await tab.getByTestId('alert-detail').waitFor(WAIT);
      await tab.getByTestId('status-resolve').click();
      await expect
        .poll(() => tab.getByTestId('status-message').textContent(), WAIT)
        .toBe('Could not resolve: 503 store unavailable');
      expect(await tab.getByTestId('alert-status').textContent()).toBe('open');
    } finally {
      await tab.unroute('**/api/alerts/*');
    }
  });

  it('shows a viewer neither the checkboxes nor the bulk actions', async () => {
    const viewer = { username: `viewer-${tag()}`, password: `viewer-password-${tag()}` };
    await gateway.createUser({ ...viewer, role: 'viewer' });
    const service = `viewer-${tag()}`;
    await raise([service]);
    const other = await launchBrowser();
    try {
      await signIn(other.page, baseUrl, viewer);
      await other.page.goto(`${baseUrl}/alerts?service=${service}`);
      await other.page.locator('[data-testid=alert-row]').first().waitFor(WAIT);
      expect(await other.page.getByTestId('select-alert').count()).toBe(0);
      expect(await other.page.getByTestId('bulk-actions').count()).toBe(0);
      expect(other.pageErrors).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
