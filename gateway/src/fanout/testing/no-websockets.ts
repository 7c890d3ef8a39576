import type { AdmitUpgrade, WsHandlers } from '../connection.ts';

/** For HTTP-only suites over the real transport: a /ws that nobody is meant to reach. */
export const noWebSockets: WsHandlers = { open() {}, message() {}, drain() {}, close() {}, dropped() {} };

/** Refuses every upgrade, as a gateway would one it has no socket for. */
export const refuseUpgrades: AdmitUpgrade = async () => ({
  ok: false,
  status: 404,
  message: 'no WebSockets in this test',
});
