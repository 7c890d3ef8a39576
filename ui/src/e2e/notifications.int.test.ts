import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { E2E_ADMIN, E2E_ADMIN_TOKEN, e2eApi, slowSamples, startSystem } from './e2e-system.ts';

// Notifications in real Chromium against the embedded system, notifier included (issue #15, "Done when": a
// Chromium test creates a channel and a route in the dashboard, triggers a scenario and sees the delivery in
// the alert's activity). The receiver is a real HTTP server on loopback started here.

requireChromium();

interface Received {
  path: string;
  body: { status?: string; alerts?: { fingerprint?: string; labels?: Record<string, string> }[] };
}

describe.skipIf(!chromiumAvailable())('notifications in the dashboard (Chromium)', () => {
  let system: Embedded | null = null;
  let browser: TestBrowser;
  let dataDir: string;
  let baseUrl: string;
  let gateway: ReturnType<typeof e2eApi>;
  let receiver: Server;
  let hookUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString() || '{}') });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks from the receiver');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-notifications-'));
    system = await startSystem({ dataDir });
    baseUrl = `http://127.0.0.1:${system.port}`;
    gateway = e2eApi(baseUrl, E2E_ADMIN_TOKEN);
    browser = await launchBrowser();
    await signIn(browser.page, baseUrl, E2E_ADMIN);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await new Promise((resolve) => receiver?.close(resolve));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a webhook channel and a route in the dashboard; an alert is delivered and shown', async () => {
    const { page } = browser;
    const service = `ntf-${randomUUID().slice(0, 8)}`;

    // A channel, tested: the receiver's answer is shown.
    await page.goto(`${baseUrl}/admin/channels`);
    await page.getByTestId('channel-name').fill('ops hook');
    await page.getByTestId('channel-field-url').fill(hookUrl);
    await page.getByTestId('channel-field-secret').fill('hmac-secret');
    await page.getByTestId('save-channel').click();
    const row = page.locator('[data-testid=channel-row][data-name="ops hook"]');
    await row.waitFor(WAIT);
    await row.getByTestId('test-channel').click();
    await expect.poll(() => row.getByTestId('test-result').textContent(), WAIT).toContain('sent · 200');
    expect(await row.getByTestId('test-result').textContent()).toContain('thanks from the receiver');
    expect(received.filter((r) => r.path === '/hook')).toHaveLength(1);
    // Editing shows the secret as set, not its value.
    await row.getByTestId('edit-channel').click();
    expect(await page.getByTestId('secret-state-secret').textContent()).toContain('set');

    // A route for this service's alerts, sent at once.
    await page.goto(`${baseUrl}/admin/notification-policy`);
    await page.getByTestId('add-route').click();
    const route = page.locator('[data-testid=route][data-index="0"]');
    expect(await route.locator('[data-testid=route-channel][data-name="ops hook"]').isChecked()).toBe(true);
    await route.getByTestId('route-service').fill(service);
    // A bad value first: the gateway's problem is shown under the route.
    await route.getByTestId('route-group-wait').fill('-5');
    await page.getByTestId('save-policy').click();
    await expect.poll(() => route.textContent(), WAIT).toContain('groupWaitMs');
    await route.getByTestId('route-group-wait').fill('0');
    await page.getByTestId('save-policy').click();
    await page.getByTestId('policy-saved').waitFor(WAIT);

    // The scenario: a slow sample fires metrics.latency-high for the service.
    await gateway.postEvents('metrics', slowSamples(service, 1));
    await expect.poll(async () => (await gateway.listAlerts({ service })).length, WAIT).toBe(1);
    const [alert] = await gateway.listAlerts({ service });
    const alertId = alert?.id ?? '';
    await expect
      .poll(() => received.some((r) => r.body.alerts?.some((a) => a.fingerprint === alertId)), WAIT)
      .toBe(true);
    const delivered = received.find((r) => r.body.alerts?.some((a) => a.fingerprint === alertId));
    expect(delivered?.body.status).toBe('firing');
    expect(delivered?.body.alerts?.[0]?.labels?.service).toBe(service);

    // The alert page: the delivery with its attempt, and `notified` in the activity trail.
    await page.goto(`${baseUrl}/alerts/${encodeURIComponent(alertId)}`);
    await expect
      .poll(async () => {
        await page.getByTestId('refresh-deliveries').click();
        return page.locator('[data-testid=delivery][data-status=sent][data-channel="ops hook"]').count();
      }, WAIT)
      .toBe(1);
    expect(await page.getByTestId('delivery-attempt').first().textContent()).toContain('sent 200');
    expect(await page.getByTestId('delivery-routes').textContent()).toContain('ops hook');
    await expect
      .poll(async () => {
        await page.reload();
        await page.getByTestId('activity').waitFor(WAIT);
        return page.locator('[data-testid=activity-entry][data-action=notified]').count();
      }, WAIT)
      .toBeGreaterThan(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'alert-notified.png'), fullPage: true });
    expect(browser.pageErrors).toEqual([]);
  });
});
