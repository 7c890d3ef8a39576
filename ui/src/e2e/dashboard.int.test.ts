import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedded } from '@vigil/app';
import type { WebSocket } from 'playwright-core';
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
import { E2E_ADMIN, E2E_ADMIN_TOKEN, e2eApi, slowSamples, startSystem, varietyEvents } from './e2e-system.ts';
import { startTcpRelay, type TcpRelay } from './tcp-relay.ts';

requireChromium();

describe.skipIf(!chromiumAvailable())('dashboard end to end (Chromium against the embedded system)', () => {
  let system: Embedded | null = null;
  // The browser talks to the gateway through this relay, so a restarted gateway keeps the page's origin.
  let relay: TcpRelay;
  let browser: TestBrowser;
  let dataDir: string;
  let gateway: ReturnType<typeof e2eApi>;
  const tag = () => randomUUID().slice(0, 8);

  const page = () => browser.page;
  const url = () => relay.url;
  const status = () => page().locator('[data-testid=connection-status]').getAttribute('data-status');
  const waitLive = () => expect.poll(status, WAIT).toBe('live');
  const feedIds = () =>
    page()
      .locator('[data-testid=feed-item]')
      .evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.alertId ?? ''));
  const feedCount = (text: string) => page().locator('[data-testid=feed-item]', { hasText: text }).count();

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
    system = await startSystem({ dataDir });
    relay = await startTcpRelay(system.port);
    gateway = e2eApi(relay.url, E2E_ADMIN_TOKEN);
    browser = await launchBrowser();
    // Once per browser context, through the real sign-in page: every test below runs signed in.
    await signIn(browser.page, relay.url, E2E_ADMIN);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(browser.pageErrors).toEqual([]);
  });

  it('shows new alerts in the live feed without a reload', async () => {
    await page().goto(`${url()}/`);
    await waitLive();
    await page().evaluate(() => {
      (window as unknown as { e2eMarker: boolean }).e2eMarker = true;
    });
    const service = `feed-${tag()}`;
    await gateway.postEvents('metrics', slowSamples(service, 2));
    await expect.poll(() => feedCount(service), WAIT).toBe(2);
    // Same document: the alerts came over the socket, not through a navigation.
    expect(await page().evaluate(() => (window as unknown as { e2eMarker?: boolean }).e2eMarker)).toBe(true);
  });

  it('grows the per-minute chart and the counters as alerts arrive', async () => {
    const chartTotal = async () =>
      Number(await page().locator('[data-testid=chart-per-minute]').getAttribute('data-total'));
    const medium = async () =>
      Number(
        (await page().locator('[data-testid=count-medium] [data-value]').textContent())?.replace(/\D/g, ''),
      );
    const before = await chartTotal();
    const mediumBefore = await medium();
    await gateway.postEvents('metrics', slowSamples(`chart-${tag()}`, 5));
    await expect.poll(chartTotal, WAIT).toBeGreaterThanOrEqual(before + 5);
    await expect.poll(medium, WAIT).toBeGreaterThanOrEqual(mediumBefore + 5);
  });

  it('renders the overview in light and dark and the alerts page (screenshots), remembering the theme', async () => {
    const events = varietyEvents();
    for (const [source, list] of Object.entries(events)) await gateway.postEvents(source, list);
    await expect.poll(() => feedCount('Large transaction'), WAIT).toBeGreaterThan(0);
    await expect.poll(() => feedCount('Unauthorized'), WAIT).toBeGreaterThan(0);
    // The risk panel ranks at page load and on "Refresh" (never on a timer): rank the alerts just raised.
    await page().locator('#risk').getByRole('button', { name: 'Refresh' }).click();
    await page().locator('[data-testid=risk-user] [data-testid=risk-entity]').first().waitFor(WAIT);
    // The click scrolled to the panel; a full-page shot of a scrolled page draws the sticky header mid-page.
    await page().evaluate(() => window.scrollTo(0, 0));
    await page().screenshot({ path: join(SCREENSHOTS, 'overview-light.png'), fullPage: true });

    await page().getByTestId('theme-toggle').click();
    expect(await page().evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await page().screenshot({ path: join(SCREENSHOTS, 'overview-dark.png'), fullPage: true });
    await page().reload();
    await waitLive();
    expect(await page().evaluate(() => document.documentElement.classList.contains('dark'))).toBe(true);
    await page().getByTestId('theme-toggle').click();
    expect(await page().evaluate(() => document.documentElement.classList.contains('dark'))).toBe(false);

    await page().goto(`${url()}/alerts`);
    await page().locator('[data-testid=alert-row]').first().waitFor(WAIT);
    await page().screenshot({ path: join(SCREENSHOTS, 'alerts.png') });
  });

  it('absorbs a burst of 1,000 alerts: every one counted, the feed capped, the page responsive', async () => {
    await page().goto(`${url()}/`);
    await waitLive();
    // The feed and the chart are seeded by the same REST answers: once the feed shows, the chart is seeded.
    await page().locator('[data-testid=feed-item]').first().waitFor(WAIT);
    const chartTotal = async () =>
      Number(await page().locator('[data-testid=chart-per-minute]').getAttribute('data-total'));
    const before = await chartTotal();
    const service = `burst-${tag()}`;
    // A host each: 1,000 episodes (not firings of a few), spread over the partitions like real traffic; one
    // request, so they land as one burst.
    await gateway.postEvents('metrics', slowSamples(service, 1_000));
    await expect.poll(chartTotal, { ...WAIT, timeout: 60_000 }).toBeGreaterThanOrEqual(before + 1_000);
    expect(await page().locator('[data-testid=feed-item]').count()).toBeLessThanOrEqual(200);
    expect(await page().evaluate(() => document.title)).toContain('Vigil');
    // Reloaded, the open counter comes from the summary's byStatus: the exact count, not "200+".
    await page().reload();
    await waitLive();
    const openValue = page().locator('[data-testid=count-open] [data-value]');
    const openCount = async () => {
      const text = (await openValue.textContent()) ?? '';
      return text.includes('+') ? -1 : Number(text.replace(/\D/g, '') || '0');
    };
    await expect.poll(openCount, WAIT).toBeGreaterThanOrEqual(1_000);
  }, 90_000);

  it('makes no timer-driven REST requests while idle', async () => {
    await page().goto(`${url()}/`);
    await waitLive();
    await page().locator('[data-testid=feed-item]').first().waitFor();
    const start = browser.requests.length;
    // The one fixed wait in this suite, on purpose: it is the idle period under observation.
    await page().waitForTimeout(10_000);
    const during = browser.requests.slice(start).map((r) => `${r.method} ${new URL(r.url).pathname}`);
    expect(during.filter((r) => r.includes('/api/') || r.includes('/metrics'))).toEqual([]);
    expect(new Set(during).size).toBe(during.length);
  });

  it('keeps alert filters in the URL and prepends only matching live alerts', async () => {
    await page().goto(`${url()}/alerts`);
    await waitLive();
    await page().locator('[data-testid=alert-row]').first().waitFor();

    const wanted = `flt-a-${tag()}`;
    const other = `flt-b-${tag()}`;
    // Two hosts each: two episodes per service (firings on one host would fold into one, whatever the service).
    await gateway.postEvents('metrics', [...slowSamples(other, 2), ...slowSamples(wanted, 2)]);
    await expect.poll(async () => (await gateway.listAlerts({ service: wanted })).length, WAIT).toBe(2);

    await page().locator('#f-service').fill(wanted);
    await page().locator('#f-service').press('Enter');
    await page().waitForURL((u) => u.searchParams.get('service') === wanted);
    const rows = page().locator('[data-testid=alert-row]');
    await expect.poll(() => rows.count(), WAIT).toBe(2);
    expect(await page().locator('[data-testid=alert-row]', { hasText: other }).count()).toBe(0);

    // Live, each on a new host (a new episode): the unmatched alert first. The alerts topic has one
    // partition and its publishedAt is stored once it is on it, so the matching one, posted after that, is
    // published after it: once the matching one shows, the other never will.
    await gateway.postEvents('metrics', slowSamples(other, 1, { host: `${other}-live` }));
    await expect
      .poll(
        async () => (await gateway.listAlerts({ service: other })).map((a) => a.publishedAt != null),
        WAIT,
      )
      .toEqual([true, true, true]);
    await gateway.postEvents('metrics', slowSamples(wanted, 1, { host: `${wanted}-live` }));
    await expect.poll(() => rows.count(), WAIT).toBe(3);
    expect(await page().locator('[data-testid=alert-row]', { hasText: other }).count()).toBe(0);

    // Shareable: the same URL in a fresh load shows the same view.
    const shared = page().url();
    await page().goto(shared);
    await expect.poll(() => rows.count(), WAIT).toBe(3);
    expect(await page().locator('#f-service').inputValue()).toBe(wanted);
  });

  it('opens the alert detail page, by click and by deep link', async () => {
    const service = `detail-${tag()}`;
    await page().goto(`${url()}/alerts?service=${service}`);
    await waitLive();
    await gateway.postEvents('metrics', slowSamples(service, 1));
    const link = page().locator('[data-testid=alert-row] a').first();
    await link.waitFor(WAIT);
    await link.click();
    await page().waitForURL(/\/alerts\/[^/?]+$/);
    const detail = page().getByTestId('alert-detail');
    await detail.waitFor(WAIT);
    const id = await detail.getAttribute('data-alert-id');
    expect(await detail.textContent()).toContain('metrics.latency-high');
    await page().getByTestId('rule-card').waitFor(WAIT);
    // It arrived over this tab's socket, so the timeline ends with the browser's receive time.
    expect(await page().locator('[data-step=received]').textContent()).not.toContain('not received');
    // The triggering event, read from the archive: the processor writes it within seconds (its archive age),
    // so until then the panel says it is pending and the test asks again as a person would.
    const events = page().getByTestId('evidence-event');
    await expect
      .poll(
        async () => {
          if ((await events.count()) > 0) return true;
          const again = page().getByRole('button', { name: 'Check again' });
          if (await again.isVisible()) await again.click();
          return false;
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBe(true);
    expect(await events.count()).toBe(1);
    expect(await events.first().textContent()).toContain(`${service}-host-0`);
    expect(await events.first().getAttribute('data-position')).toMatch(/^events\.metrics \/ \d+ @ \d+$/);
    await page().screenshot({ path: join(SCREENSHOTS, 'alert-detail.png'), fullPage: true });

    await page().goto(`${url()}/alerts/${id}`);
    await page().getByTestId('alert-detail').waitFor(WAIT);
    await page().goto(`${url()}/alerts/no-such-alert`);
    await page().getByText('No such alert').waitFor(WAIT);
  });

  describe('event explorer', () => {
    const logLines = (service: string, levels: string[], word: string) =>
      levels.map((level, i) => ({
        id: `e2e-evlog-${service}-${tag()}-${i}`,
        ts: new Date().toISOString(),
        service,
        level,
        host: `${service}-host`,
        message: `checkout ${word} declined by upstream (${i})`,
      }));
    // The indexer copies events from the bus on its own consumer group: wait until the store has them.
    const indexed = (params: Record<string, string>, count: number) =>
      expect.poll(async () => (await gateway.listEvents(params)).length, WAIT).toBe(count);

    it('searches events by the filters in the URL and streams new matching ones with the live tail (screenshot)', async () => {
      const service = `evt-${tag()}`;
      await gateway.postEvents('logs', logLines(service, ['ERROR', 'INFO', 'ERROR'], 'card'));
      await indexed({ service }, 3);

      await page().goto(`${url()}/events?service=${service}&level=ERROR`);
      await waitLive();
      const rows = page().getByTestId('event-row');
      await expect.poll(() => rows.count(), WAIT).toBe(2);
      expect(await page().locator('#e-service').inputValue()).toBe(service);
      expect(
        await page().getByRole('button', { name: 'error', exact: true }).getAttribute('aria-pressed'),
      ).toBe('true');
      expect(await rows.first().textContent()).toContain('declined by upstream');
      expect(await rows.first().getAttribute('data-position')).toMatch(/^\d+ @ \d+$/);

      // A text search narrows by the message, through the URL.
      await page().locator('#e-q').fill('card');
      await page().locator('#e-q').press('Enter');
      await page().waitForURL((u) => u.searchParams.get('q') === 'card');
      await expect.poll(() => rows.count(), WAIT).toBe(2);

      // Live tail: the gateway streams matching events as they reach the bus (server-sent events), with no
      // reload and no alert needed; a non-matching one (INFO) is not shown.
      await page().evaluate(() => {
        (window as unknown as { e2eMarker: boolean }).e2eMarker = true;
      });
      await page().getByTestId('live-tail').click();
      expect(await page().getByTestId('live-tail').getAttribute('aria-pressed')).toBe('true');
      await page().locator('[data-testid=tail-status][data-status=live]').waitFor(WAIT);
      await gateway.postEvents('logs', logLines(service, ['ERROR', 'INFO', 'ERROR'], 'card'));
      const liveRows = page().locator('[data-testid=event-row][data-live=true]');
      await expect.poll(() => liveRows.count(), WAIT).toBe(2);
      expect(await liveRows.first().textContent()).toContain('(2)'); // newest on top
      expect(await rows.count()).toBe(4);
      expect(await liveRows.first().getAttribute('data-position')).toMatch(/^\d+ @ \d+$/);
      expect(await page().evaluate(() => (window as unknown as { e2eMarker?: boolean }).e2eMarker)).toBe(
        true,
      );
      await page().screenshot({ path: join(SCREENSHOTS, 'events.png') });
      // Off: the stream closes; the rows it added stay.
      await page().getByTestId('live-tail').click();
      await page()
        .getByTestId('tail-status')
        .waitFor({ state: 'detached', ...WAIT });
      expect(await liveRows.count()).toBe(2);
    });

    it('charts the metrics of a service on the Services page', async () => {
      const service = `met-${tag()}`;
      await gateway.postEvents('metrics', slowSamples(service, 3));
      await indexed({ service, source: 'metrics' }, 3);
      await page().goto(`${url()}/services?service=${service}`);
      const latency = page().getByTestId('metric-latencyMs');
      await latency.waitFor(WAIT);
      expect(Number(await latency.getAttribute('data-total'))).toBeGreaterThan(0);
      // No sample carried memory: an empty state, not a flat zero line.
      await page().locator('[data-testid=metric-chart][data-field=memory][data-status=ready]').waitFor(WAIT);
      expect(await page().getByTestId('metric-memory').count()).toBe(0);
    });

    it('ranks a risky user on the overview and links to its alerts (one episode of three firings) and events', async () => {
      const userId = `risk-${tag()}`;
      const ip = `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const events = [0, 1, 2].map((i) => ({
        id: `e2e-risk-${userId}-${i}`,
        ts: new Date().toISOString(),
        ip,
        action: 'unauthorized_access',
        userId,
        resource: '/admin',
      }));
      await gateway.postEvents('security', events);
      // One IP (the rule's key) breaching three times: one episode of three occurrences, not three alerts.
      await expect
        .poll(async () => (await gateway.listAlerts({ userId })).map((a) => a.occurrences), WAIT)
        .toEqual([3]);
      await indexed({ userId }, 3);

      await page().goto(`${url()}/`);
      const user = page().locator(
        `[data-testid=risk-user] [data-testid=risk-entity][data-value="${userId}"]`,
      );
      await user.waitFor(WAIT);
      expect(await user.textContent()).toContain('1 alert,');
      const address = page().locator(`[data-testid=risk-ip] [data-testid=risk-entity][data-value="${ip}"]`);
      await address.waitFor(WAIT);
      // An IP links to its events, and to its alerts by the key its rules give it (ip=…).
      expect(await address.getByTestId('risk-events').getAttribute('href')).toBe(`/events?ip=${ip}`);
      expect(await address.getByTestId('risk-alerts').getAttribute('href')).toBe(
        `/alerts?key=${encodeURIComponent(`ip=${ip}`)}`,
      );
      await address.getByTestId('risk-alerts').click();
      await page().waitForURL((u) => u.pathname === '/alerts' && u.searchParams.get('key') === `ip=${ip}`);
      const rows = page().getByTestId('alert-row');
      await expect.poll(() => rows.count(), WAIT).toBe(1);
      expect(await rows.getByTestId('alert-occurrences').textContent()).toBe('×3');
      await page().goBack();
      await user.waitFor(WAIT);

      await user.getByTestId('risk-alerts').click();
      await page().waitForURL((u) => u.pathname === '/alerts' && u.searchParams.get('userId') === userId);
      await expect.poll(() => rows.count(), WAIT).toBe(1);
      expect(await rows.getByTestId('alert-occurrences').textContent()).toBe('×3');

      await page().goBack();
      await user.getByTestId('risk-events').click();
      await page().waitForURL((u) => u.pathname === '/events' && u.searchParams.get('userId') === userId);
      await expect.poll(() => page().getByTestId('event-row').count(), WAIT).toBe(3);
    });
  });

  describe('signed in, by role', () => {
    // A context of its own, so the shared signed-in one is untouched.
    const withBrowser = async (run: (other: TestBrowser) => Promise<void>) => {
      const other = await launchBrowser();
      try {
        await run(other);
        expect(other.pageErrors).toEqual([]);
      } finally {
        await other.close();
      }
    };

    it('sends a signed-out browser to /login and back; a wrong password shows the error', async () => {
      await withBrowser(async ({ page: p }) => {
        await p.goto(`${url()}/alerts?range=1h`);
        await p.waitForURL(
          (u) => u.pathname === '/login' && u.searchParams.get('next') === '/alerts?range=1h',
          WAIT,
        );
        await p.getByTestId('login-username').fill(E2E_ADMIN.username);
        await p.getByTestId('login-password').fill('not-the-password');
        await p.getByTestId('login-submit').click();
        await expect
          .poll(() => p.getByTestId('login-error').textContent(), WAIT)
          .toBe('Wrong username or password.');
        expect(new URL(p.url()).pathname).toBe('/login');
        await p.screenshot({ path: join(SCREENSHOTS, 'login.png') });

        await p.getByTestId('login-password').fill(E2E_ADMIN.password);
        await p.getByTestId('login-submit').click();
        await p.waitForURL((u) => u.pathname === '/alerts' && u.searchParams.get('range') === '1h', WAIT);
        expect(await p.getByTestId('signed-in-name').textContent()).toBe(E2E_ADMIN.username);
        expect(await p.getByTestId('role-badge').first().getAttribute('data-role')).toBe('admin');

        // Signed out, the cookie no longer opens any page.
        await p.getByRole('button', { name: 'Sign out' }).click();
        await p.waitForURL((u) => u.pathname === '/login', WAIT);
        await p.goto(`${url()}/rules`);
        await p.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/rules', WAIT);
      });
    });

    it('shows a viewer no status buttons and no admin pages; an admin acknowledges', async () => {
      const viewer = { username: `viewer-${tag()}`, password: `viewer-password-${tag()}` };
      await gateway.createUser({ ...viewer, role: 'viewer' });
      const service = `roles-${tag()}`;
      await gateway.postEvents('metrics', slowSamples(service, 1));
      await expect.poll(async () => (await gateway.listAlerts({ service })).length, WAIT).toBe(1);
      const [alert] = await gateway.listAlerts({ service });

      await withBrowser(async ({ page: p }) => {
        await signIn(p, url(), viewer);
        await p.goto(`${url()}/alerts/${alert?.id}`);
        await p.getByTestId('alert-detail').waitFor(WAIT);
        expect(await p.getByTestId('role-badge').first().getAttribute('data-role')).toBe('viewer');
        expect(await p.getByTestId('status-actions').count()).toBe(0);
        expect(await p.getByTestId('nav-users').count()).toBe(0);
        expect(await p.getByTestId('nav-tokens').count()).toBe(0);
      });

      await page().goto(`${url()}/alerts/${alert?.id}`);
      await page().getByTestId('status-acknowledge').click();
      await expect.poll(() => page().getByTestId('alert-status').textContent(), WAIT).toBe('acknowledged');
      expect((await gateway.listAlerts({ service }))[0]?.status).toBe('acknowledged');
    });

    it('sends the browser to /login, without a reconnect loop, when its session is revoked', async () => {
      const user = { username: `gone-${tag()}`, password: `gone-password-${tag()}` };
      const id = await gateway.createUser({ ...user, role: 'viewer' });
      await withBrowser(async ({ page: p }) => {
        await signIn(p, url(), user);
        await p.goto(`${url()}/alerts`);
        await expect
          .poll(() => p.getByTestId('connection-status').getAttribute('data-status'), WAIT)
          .toBe('live');
        await gateway.disableUser(id);
        // Closed 4011: the stream stops instead of reconnecting (which the gateway would refuse forever)
        // and the page goes to sign in, with no REST call needed to find out.
        await p.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/alerts', WAIT);
      });
    });

    it('keeps the browser signed in and live after it changes its own password', async () => {
      const user = { username: `pw-${tag()}`, password: `first-password-${tag()}` };
      await gateway.createUser({ ...user, role: 'operator' });
      await withBrowser(async ({ page: p }) => {
        const sockets: WebSocket[] = [];
        p.on('websocket', (ws) => sockets.push(ws));
        await signIn(p, url(), user);
        await p.goto(`${url()}/account`);
        await expect
          .poll(() => p.getByTestId('connection-status').getAttribute('data-status'), WAIT)
          .toBe('live');
        const admitted = sockets.at(-1);
        const next = `second-password-${tag()}`;
        await p.getByLabel('Current password').fill(user.password);
        await p.getByTestId('new-password').fill(next);
        await p.getByTestId('confirm-password').fill(next);
        await p.getByRole('button', { name: 'Save password' }).click();
        await p.getByText('Password saved.').waitFor(WAIT);
        // The change revoked the session that socket was admitted with, so it closes (the gateway's sweep
        // or the page); the page stays signed in and a new socket goes live on the renewed cookie.
        await expect.poll(() => admitted?.isClosed(), WAIT).toBe(true);
        await expect
          .poll(() => p.getByTestId('connection-status').getAttribute('data-status'), WAIT)
          .toBe('live');
        expect(new URL(p.url()).pathname).toBe('/account');
        await p.goto(`${url()}/rules`);
        await p.getByTestId('user-menu').waitFor(WAIT);
        expect(new URL(p.url()).pathname).toBe('/rules');
      });
    });

    it('lets an admin create a token in /admin/tokens and shows its secret once', async () => {
      const name = `tool-${tag()}`;
      await page().goto(`${url()}/`);
      await page().getByTestId('nav-tokens').click();
      await page().waitForURL((u) => u.pathname === '/admin/tokens');
      await page().getByTestId('token-name').fill(name);
      await page().getByTestId('token-role').selectOption('viewer');
      await page().getByTestId('create-token').click();
      const secret = (await page().getByTestId('token-secret').textContent({ timeout: 30_000 })) ?? '';
      expect(secret).toMatch(/^vgl_/);
      expect(await page().getByTestId('token-secret-panel').textContent()).toContain(
        'will not be shown again',
      );
      await page().screenshot({ path: join(SCREENSHOTS, 'admin-tokens.png') });
      // The secret works as a viewer's credentials.
      const response = await fetch(`${url()}/api/alerts?limit=1`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      expect(response.status).toBe(200);

      await page().reload();
      await page().locator(`[data-testid=token-row][data-name="${name}"]`).waitFor(WAIT);
      expect(await page().getByTestId('token-secret-panel').count()).toBe(0);
      expect(await page().content()).not.toContain(secret);
    });
  });

  it('shows reconnecting while the gateway is down, then resumes without a missed or repeated alert', async () => {
    await page().goto(`${url()}/`);
    await waitLive();
    const service = `restart-${tag()}`;
    await gateway.postEvents('metrics', slowSamples(service, 2));
    await expect.poll(() => feedCount(service), WAIT).toBe(2);

    await system!.stop();
    system = null;
    await expect.poll(status, WAIT).toBe('reconnecting');
    await page()
      .getByText(/Reconnecting/)
      .first()
      .waitFor();

    system = await startSystem({ dataDir });
    relay.retarget(system.port);
    // Posted at once, most likely before the tab is back: the resume (or REST resync) must bring them. Three
    // new hosts open three episodes; one more firing on the first host folds into its episode (an update).
    const after = slowSamples(service, 3).map((e, i) => ({ ...e, host: `${service}-after-${i}` }));
    await gateway.postEvents('metrics', [...after, ...slowSamples(service, 1)]);
    await waitLive();
    await expect
      .poll(async () => (await gateway.listAlerts({ service })).map((a) => a.occurrences).sort(), WAIT)
      .toEqual([1, 1, 1, 1, 2]);
    const expected = await gateway.listAlerts({ service });
    await expect.poll(() => feedCount(service), WAIT).toBe(5);
    const shown = await feedIds();
    for (const { id } of expected) expect(shown.filter((s) => s === id)).toHaveLength(1);
    const folded = expected.find((a) => a.occurrences === 2);
    await expect
      .poll(
        () =>
          page()
            .locator(`[data-testid=feed-item][data-alert-id="${folded?.id}"]`)
            .getAttribute('data-occurrences'),
        WAIT,
      )
      .toBe('2');
  }, 120_000);
});

describe.skipIf(!chromiumAvailable())('dashboard first run (the one-time sign-in link)', () => {
  let system: Embedded | null = null;
  let browser: TestBrowser;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'vigil-e2e-first-'));
    system = await startSystem({ dataDir, firstRun: true });
    browser = await launchBrowser();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs the browser in by the link once, asks for a password, and refuses the link again', async () => {
    const link = system?.signInUrl;
    expect(link).toMatch(/\/api\/auth\/sign-in\?token=/);
    const p = browser.page;
    await p.goto(link ?? '');
    await p.getByTestId('set-password-prompt').waitFor(WAIT);
    expect(await p.getByTestId('signed-in-name').textContent()).toBe('admin');

    await p.getByText('Set a password now').click();
    await p.waitForURL((u) => u.pathname === '/account', WAIT);
    const password = `first-run-password-${randomUUID().slice(0, 8)}`;
    await p.getByTestId('new-password').fill(password);
    await p.getByTestId('confirm-password').fill(password);
    await p.getByRole('button', { name: 'Save password' }).click();
    await p.getByText('Password saved.').waitFor(WAIT);
    await p.goto(`${system?.url}/`);
    await p.getByTestId('user-menu').waitFor(WAIT);
    expect(await p.getByTestId('set-password-prompt').count()).toBe(0);

    await p.goto(link ?? '');
    await p.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('error') === 'link', WAIT);
    expect(await p.getByTestId('link-error').textContent()).toContain('already used or has expired');
    expect(browser.pageErrors).toEqual([]);
  });
});
