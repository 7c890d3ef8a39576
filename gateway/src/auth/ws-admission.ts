import { decide } from '@vigil/core';
import type { AdmitUpgrade } from '../fanout/connection.ts';
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
  return async (headers, peer) => {
    const ip = auth.clientIp(headers, peer);
    if (!auth.origins.hostAllowed(headers.host))
      return { ok: false, status: 421, message: 'host not allowed' };
    if (!auth.origins.originAllowed(headers))
      return { ok: false, status: 403, message: 'origin not allowed' };
    if (sockets.countByIp(ip) >= caps.maxPerIp) {
      return { ok: false, status: 429, message: `at most ${caps.maxPerIp} sockets per address` };
    }
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
    if (sockets.countByCredential(principal.credentialId) >= caps.maxPerCredential) {
      return { ok: false, status: 429, message: `at most ${caps.maxPerCredential} sockets per credential` };
    }
    return { ok: true, principal, ip };
  };
}
