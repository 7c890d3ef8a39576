import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectClient } from '@vigil/gateway/testing';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Embedded, startEmbedded } from './embedded.ts';

const start = (dataDir: string, auth: Parameters<typeof startEmbedded>[0]['auth'] = {}) =>
  startEmbedded({
    port: 0,
    dataDir,
    simulatorRate: 0,
    processMetrics: false,
    auth,
    logger: pino({ level: 'silent' }),
    onFatal: (err) => {
      throw err;
    },
  });

const cookieOf = (response: Response) => response.headers.get('set-cookie')?.split(';')[0] ?? '';

describe('npm start, first run: nothing open, one sign-in link', () => {
  let system: Embedded | undefined;
  afterEach(async () => {
    await system?.stop();
    system = undefined;
  });

  it('creates admin and a one-time link that signs a browser in (REST and WebSocket), once', async () => {
    system = await start(await mkdtemp(join(tmpdir(), 'vigil-first-run-')));
    expect(system.signInUrl).toMatch(/\/api\/auth\/sign-in\?token=vgo_/);
    expect((await fetch(`${system.url}/api/alerts`)).status).toBe(401);

    const opened = await fetch(system.signInUrl!, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    expect(opened.headers.get('location')).toBe('/');
    const cookie = cookieOf(opened);
    expect(opened.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
    const me = await fetch(`${system.url}/api/auth/me`, { headers: { cookie } });
    expect(await me.json()).toMatchObject({ kind: 'user', name: 'admin', role: 'admin', hasPassword: false });

    const socket = await connectClient(`${system.url.replace('http', 'ws')}/ws`, { headers: { cookie } });
    socket.send({ op: 'subscribe' });
    await socket.until((frames) => frames.some((f) => f.op === 'subscribed'), 'subscribed with the cookie');
    socket.close();

    const again = await fetch(system.signInUrl!, { redirect: 'manual' });
    expect(again.headers.get('location')).toBe('/login?error=link');
  });

  it('prints no link once VIGIL_ADMIN_PASSWORD is set, and admin signs in with it', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vigil-first-run-'));
    system = await start(dataDir, { VIGIL_ADMIN_PASSWORD: 'correct horse battery staple' });
    expect(system.signInUrl).toBeNull();
    const login = (password: string) =>
      fetch(`${system!.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
    expect((await login('wrong password!!')).status).toBe(401);
    const ok = await login('correct horse battery staple');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ user: { username: 'admin', role: 'admin' } });
  });
});
