import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Fanout } from '../fanout/fanout.ts';
import { testPrincipal } from '../fanout/testing/principals.ts';
import type { Authentication } from './authenticator.ts';
import { createGatewayAuth, type GatewayAuth } from './gateway-auth.ts';
import { createWsAdmission } from './ws-admission.ts';

/** Auth whose credential lookups wait until released: upgrades stay "being decided" as long as a test wants. */
function slowAuth() {
  const waiting: (() => void)[] = [];
  const base = createGatewayAuth({
    identities: {} as never,
    audit: {} as never,
    logger: pino({ level: 'silent' }),
    rateLimits: false,
  });
  const auth: GatewayAuth = {
    ...base,
    authenticator: {
      ...base.authenticator,
      fromHeaders: () =>
        new Promise<Authentication>((resolve) => {
          waiting.push(() => resolve({ principal: testPrincipal({ credentialId: 'tok' }), via: 'bearer' }));
        }),
    },
  };
  const release = () => {
    for (const go of waiting.splice(0)) go();
  };
  return { auth, release };
}

const noSockets: Fanout['sockets'] = {
  countByIp: () => 0,
  countByCredential: () => 0,
  credentials: () => [],
  closeCredentials: () => 0,
};
const headers = { host: '127.0.0.1:8080' };

describe('WebSocket admission', () => {
  it('counts upgrades still being decided against the per-IP cap: a burst cannot all pass', async () => {
    const { auth, release } = slowAuth();
    const admit = createWsAdmission(auth, noSockets, { maxPerIp: 2, maxPerCredential: 100 });
    const verdicts = [admit(headers, '10.0.0.1'), admit(headers, '10.0.0.1'), admit(headers, '10.0.0.1')];
    const third = await verdicts[2];
    expect(third).toMatchObject({ ok: false, status: 429 });
    release();
    expect((await Promise.all(verdicts.slice(0, 2))).map((v) => v.ok)).toEqual([true, true]);
  });

  it('counts admitted sockets of one credential until they open: the per-credential cap holds in a burst', async () => {
    const { auth, release } = slowAuth();
    const admit = createWsAdmission(auth, noSockets, { maxPerIp: 100, maxPerCredential: 1 });
    const verdicts = [admit(headers, '10.0.0.1'), admit(headers, '10.0.0.2')];
    release();
    const [first, second] = await Promise.all(verdicts);
    expect(first?.ok).toBe(true);
    expect(second).toMatchObject({ ok: false, status: 429 });
  });
});
