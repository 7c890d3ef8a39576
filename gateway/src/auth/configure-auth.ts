import { type Database, schema } from '@vigil/db';
import type { Logger } from 'pino';
import { bootstrapIdentities } from './bootstrap.ts';
import { createGatewayAuth, type GatewayAuth } from './gateway-auth.ts';

/** The values of core's `authVars`, as loadConfig returns them. */
export interface AuthConfig {
  VIGIL_ADMIN_PASSWORD?: string;
  VIGIL_ADMIN_TOKEN?: string;
  ALLOWED_HOSTS?: string[];
  ALLOWED_ORIGINS?: string[];
  TRUST_PROXY: boolean;
  METRICS_PUBLIC: boolean;
  SECURE_COOKIES: boolean;
  SESSION_TTL_HOURS: number;
  RATE_LIMITS: boolean;
  RATE_LIMIT_API: number;
  RATE_LIMIT_IP: number;
  RATE_LIMIT_INGEST: number;
}

/** authVars' defaults (core/src/config/config-vars.ts), for programs that build the config themselves. */
export const DEFAULT_AUTH_CONFIG: AuthConfig = {
  TRUST_PROXY: false,
  METRICS_PUBLIC: false,
  SECURE_COOKIES: false,
  SESSION_TTL_HOURS: 12,
  RATE_LIMITS: true,
  RATE_LIMIT_API: 200,
  RATE_LIMIT_IP: 400,
  RATE_LIMIT_INGEST: 100,
};

/**
 * The gateway's auth from configuration: limits kept in memory for one gateway (embedded), in the shared
 * database when several gateways run (`shared`); then the start-up identities (bootstrap.ts).
 */
export async function configureAuth(options: {
  config: AuthConfig;
  database: Database;
  logger: Logger;
  shared: boolean;
  now?: () => number;
}): Promise<{ auth: GatewayAuth; signInSecret: string | null }> {
  const { config, database, logger } = options;
  const now = options.now ?? Date.now;
  const auth = createGatewayAuth({
    identities: database.identities,
    audit: database.audit,
    logger,
    now,
    rateLimits: config.RATE_LIMITS
      ? {
          apiPerCredential: config.RATE_LIMIT_API,
          apiPerIp: config.RATE_LIMIT_IP,
          ingestPerCredential: config.RATE_LIMIT_INGEST,
        }
      : false,
    rateLimitStore: options.shared
      ? { kind: 'database', db: database.db, table: schema.rateLimits }
      : { kind: 'memory' },
    allowedHosts: config.ALLOWED_HOSTS,
    allowedOrigins: config.ALLOWED_ORIGINS,
    sessionTtlMs: config.SESSION_TTL_HOURS * 3_600_000,
    secureCookie: config.SECURE_COOKIES,
    metricsPublic: config.METRICS_PUBLIC,
    trustProxy: config.TRUST_PROXY,
  });
  const { signInSecret } = await bootstrapIdentities({
    identities: database.identities,
    audit: database.audit,
    logger,
    now,
    // Empty means unset: compose passes `${VIGIL_ADMIN_PASSWORD:-}` through when the shell has none.
    adminPassword: config.VIGIL_ADMIN_PASSWORD || undefined,
    adminToken: config.VIGIL_ADMIN_TOKEN || undefined,
  });
  return { auth, signInSecret };
}
