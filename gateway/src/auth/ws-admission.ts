import { decide } from '@vigil/core';
import type { AdmitUpgrade, UpgradeVerdict } from '../fanout/connection.ts';
import type { Fanout } from '../fanout/fanout.ts';
import type { GatewayAuth } from './gateway-auth.ts';

/** Caps per client on open sockets (one subscription each, so also on subscription groups). */
export interface SocketCaps {
  /** Default 2,000: far above a team's browsers behind one NAT; the fan-out bench raises it. */
  maxPerIp: number;
  /** Default 1,000 per session or token. */
  maxPerCredential: number;
}

export const DEFAULT_SOCKET_CAPS: SocketCaps = { maxPerIp: 2_000, maxPerCredential: 1_000 };

/**
 * Decides a `/ws` upgrade: a Host this gateway answers to, a browser Origin of the dashboard's own (cross-site
 * WebSocket hijacking sends the victim's cookie), caps per IP and credential, and the credentials on the
 * upgrade (cookie or Bearer). None at all is let through: such a socket must send an `auth` frame in 5 s.
 */
export function createWsAdmission(
  auth: GatewayAuth,
  sockets: Fanout['sockets'],
  caps: SocketCaps,
): AdmitUpgrade {
  // Upgrades still being decided, or admitted but not open yet, count against the caps too: a burst of
  // simultaneous upgrades cannot all pass a check made before any of them opened.
  const pending = new Map<string, number>();
  const hold = (key: string, by: number) => {
    const n = (pending.get(key) ?? 0) + by;
    if (n <= 0) pending.delete(key);
    else pending.set(key, n);
  };
  const used = (key: string, open: number) => open + (pending.get(key) ?? 0);

  const admitOne = async (
    headers: Readonly<Record<string, string>>,
    ip: string,
    held: string[],
  ): Promise<UpgradeVerdict> => {
    if (!auth.origins.hostAllowed(headers.host))
      return { ok: false, status: 421, message: 'host not allowed' };
    if (!auth.origins.originAllowed(headers))
      return { ok: false, status: 403, message: 'origin not allowed' };
    const ipKey = `ip:${ip}`;
    if (used(ipKey, sockets.countByIp(ip)) >= caps.maxPerIp) {
      return { ok: false, status: 429, message: `at most ${caps.maxPerIp} sockets per address` };
    }
    hold(ipKey, 1);
    held.push(ipKey);
    const authentication = await auth.authenticator.fromHeaders(headers);
    const { principal } = authentication;
    if (principal === null) {
      return authentication.presented
        ? { ok: false, status: 401, message: 'credentials are expired, revoked or unknown' }
        : { ok: true, principal: null, ip };
    }
    if (decide(principal, 'viewer') !== 'allowed') {
      return { ok: false, status: 403, message: `a ${principal.role} token may not subscribe` };
    }
    const credentialKey = `credential:${principal.credentialId}`;
    if (used(credentialKey, sockets.countByCredential(principal.credentialId)) >= caps.maxPerCredential) {
      return { ok: false, status: 429, message: `at most ${caps.maxPerCredential} sockets per credential` };
    }
    hold(credentialKey, 1);
    held.push(credentialKey);
    return { ok: true, principal, ip };
  };

  return async (headers, peer) => {
    const held: string[] = [];
    try {
      return await admitOne(headers, auth.clientIp(headers, peer), held);
    } finally {
      // The transport opens an admitted socket in the same turn as the verdict; from the next turn the
      // sessions count it, so the hold ends there.
      setImmediate(() => {
        for (const key of held) hold(key, -1);
      });
    }
  };
}
