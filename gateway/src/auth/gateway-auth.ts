import type { AuditLog, IdentityStore } from '@vigil/db';
import type { Logger } from 'pino';
import { type Authenticator, createAuthenticator } from './authenticator.ts';
import { clientIp } from './client-ip.ts';
import { createOriginPolicy, type OriginPolicy } from './origin-policy.ts';
import {
  createRateLimits,
  DEFAULT_RATE_LIMITS,
  type RateLimitConfig,
  type RateLimitStore,
  type RateLimits,
} from './rate-limits.ts';

/** Everything the HTTP router and the WebSocket need to know who is asking and what they may do. */
export interface GatewayAuth {
  identities: IdentityStore;
  audit: AuditLog;
  authenticator: Authenticator;
  /** Null: rate limiting off (benchmarks that measure the gateway itself say so in their report). */
  rateLimits: RateLimits | null;
  origins: OriginPolicy;
  sessions: SessionSettings;
  /** `GET /metrics` without credentials (METRICS_PUBLIC); default: viewer or higher. */
  metricsPublic: boolean;
  /** The client's address (the peer's, or with TRUST_PROXY the proxy's X-Real-IP): see client-ip.ts. */
  clientIp(headers: Readonly<Record<string, string>>, peer: string): string;
}

export interface SessionSettings {
  /** How long a browser session lasts from sign-in (default 12 h). */
  ttlMs: number;
  /** Mark the cookie `Secure` (VIGIL_SECURE_COOKIES; default on when the request came over TLS). */
  secureCookie: boolean;
}

export interface GatewayAuthOptions {
  identities: IdentityStore;
  audit: AuditLog;
  logger: Logger;
  now?: () => number;
  rateLimits?: Partial<RateLimitConfig> | false;
  rateLimitStore?: RateLimitStore;
  allowedHosts?: readonly string[];
  allowedOrigins?: readonly string[];
  sessionTtlMs?: number;
  secureCookie?: boolean;
  metricsPublic?: boolean;
  /** TRUST_PROXY: take the client address and scheme from the reverse proxy's headers. */
  trustProxy?: boolean;
  /** Authenticator cache; tests of revocation through another gateway shorten it. */
  credentialCacheMs?: number;
}

export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

export function createGatewayAuth(options: GatewayAuthOptions): GatewayAuth {
  const now = options.now ?? Date.now;
  return {
    identities: options.identities,
    audit: options.audit,
    authenticator: createAuthenticator({
      identities: options.identities,
      now,
      logger: options.logger.child({ module: 'auth' }),
      cacheMs: options.credentialCacheMs,
    }),
    rateLimits:
      options.rateLimits === false
        ? null
        : createRateLimits(
            { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
            options.rateLimitStore ?? { kind: 'memory' },
          ),
    origins: createOriginPolicy({
      allowedHosts: options.allowedHosts ?? [],
      allowedOrigins: options.allowedOrigins ?? [],
    }),
    sessions: {
      ttlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
      secureCookie: options.secureCookie ?? false,
    },
    metricsPublic: options.metricsPublic ?? false,
    clientIp: (headers, peer) => clientIp(headers, peer, options.trustProxy ?? false),
  };
}
