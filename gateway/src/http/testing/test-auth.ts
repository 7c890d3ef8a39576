import type { AuditLog, IdentityStore } from '@vigil/db';
import { pino } from 'pino';
import { createGatewayAuth, type GatewayAuth, type GatewayAuthOptions } from '../../auth/gateway-auth.ts';
import { openTestDatabase } from './test-alert-store.ts';

/** An object whose every method waits for `target` first: the stores exist only once PGlite has opened. */
function deferred<T extends object>(target: () => Promise<T>): T {
  return new Proxy({} as T, {
    get:
      (_, name) =>
      async (...args: unknown[]) => {
        const value = (await target()) as Record<string | symbol, (...a: unknown[]) => unknown>;
        return value[name]!(...args);
      },
  });
}

/** The real auth over the file's in-memory PGlite (identities, audit log, test tokens); options override. */
export function testAuth(options: Partial<GatewayAuthOptions> = {}): GatewayAuth {
  return createGatewayAuth({
    identities: deferred<IdentityStore>(async () => (await openTestDatabase()).identities),
    audit: deferred<AuditLog>(async () => (await openTestDatabase()).audit),
    logger: pino({ level: 'silent' }),
    ...options,
  });
}
