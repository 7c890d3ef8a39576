import type { IdentityStore } from '@vigil/db';
import type { Logger } from 'pino';
import type { Fanout } from '../fanout/fanout.ts';

export interface RevocationSweep {
  stop(): void;
}

/** Twice a second: a revocation (through any gateway), a logout, an expiry or a disabled user ends its sockets within a second. */
export const REVOCATION_SWEEP_MS = 500;

/**
 * Asks the database which credentials of the open sockets are no longer valid and closes their sockets with
 * 4011. One indexed query per sweep for all sockets, whatever their number, and none while nobody is connected.
 */
export function startRevocationSweep(options: {
  identities: IdentityStore;
  sockets: Fanout['sockets'];
  /** Drops this gateway's cached credential, so a reconnect with it is refused too (authenticator.forget). */
  forget: (credentialId: string) => void;
  logger: Logger;
  now: () => number;
  everyMs?: number;
}): RevocationSweep {
  const { identities, sockets, logger, now } = options;
  let running = false;
  const sweep = async () => {
    const ids = sockets.credentials();
    if (ids.length === 0 || running) return;
    running = true;
    try {
      const invalid = await identities.invalidCredentials(ids, new Date(now()));
      if (invalid.length > 0) {
        for (const id of invalid) options.forget(id);
        const closed = sockets.closeCredentials(invalid, 'credentials revoked or expired');
        logger.info(
          { credentials: invalid.length, sockets: closed },
          'closed sockets of revoked or expired credentials',
        );
      }
    } catch (err) {
      // The next sweep tries again; an outage must not end the sockets of valid credentials.
      logger.warn({ err }, 'revocation sweep failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void sweep(), options.everyMs ?? REVOCATION_SWEEP_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
