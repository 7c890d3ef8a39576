import {
  type RateLimiterAbstract,
  RateLimiterDrizzle,
  RateLimiterMemory,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import { createSyncedLimiter } from './synced-limiter.ts';

/** Limits per client; every one is configurable (gateway/README.md, "Rate limits"). */
export interface RateLimitConfig {
  /** REST requests per second per credential (token or session). */
  apiPerCredential: number;
  /** REST requests per second per client IP, with or without credentials. */
  apiPerIp: number;
  /** Ingest requests per second per credential (each may carry many events). */
  ingestPerCredential: number;
  /** Failed logins per IP per hour before that IP may not try again for the rest of the hour. */
  loginFailuresPerIp: number;
  /** Consecutive failed logins of one username from one IP before that pair is locked for 15 minutes. */
  loginFailuresPerUserAndIp: number;
  /** Failed logins of one username (any IP) in 15 minutes after which each attempt is slowed down. */
  loginSlowAfterPerUser: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  apiPerCredential: 200,
  apiPerIp: 400,
  ingestPerCredential: 100,
  loginFailuresPerIp: 100,
  loginFailuresPerUserAndIp: 10,
  loginSlowAfterPerUser: 5,
};

/**
 * Where counters live: in this process (embedded: one gateway), or in the database every gateway shares
 * (rate-limiter-flexible's Drizzle store, with an in-memory insurance limiter so an outage of the database
 * degrades to per-gateway limits instead of refusing every request).
 */
export type RateLimitStore = { kind: 'memory' } | { kind: 'database'; db: unknown; table: unknown };

export type LimitKind = 'api' | 'ingest';

export interface RateDecision {
  allowed: boolean;
  /** `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` (IETF draft), plus `Retry-After` when refused. */
  headers: Record<string, string>;
  retryAfterSeconds: number;
}

export interface LoginVerdict {
  /** Seconds until this username+IP (or IP) may try again; 0 when it may try now. */
  lockedForSeconds: number;
  /** Delay to apply before answering (brute force of one username from many IPs is slowed, not locked). */
  delayMs: number;
}

export interface RateLimits {
  check(kind: LimitKind, credentialKey: string | null, ip: string): Promise<RateDecision>;
  /** Before verifying a password. */
  loginVerdict(username: string, ip: string): Promise<LoginVerdict>;
  loginFailed(username: string, ip: string): Promise<void>;
  loginSucceeded(username: string, ip: string): Promise<void>;
}

const HOUR = 3_600;
const QUARTER_HOUR = 900;
/** Slowdown per failure beyond the threshold: 250 ms, doubling, at most 4 s per attempt. */
const slowdownMs = (failures: number, threshold: number) =>
  failures <= threshold ? 0 : Math.min(4_000, 250 * 2 ** Math.min(4, failures - threshold - 1));

interface LimiterSpec {
  keyPrefix: string;
  points: number;
  duration: number;
  blockDuration?: number;
}

function makeLimiter(store: RateLimitStore, spec: LimiterSpec): RateLimiterAbstract {
  const memory = new RateLimiterMemory(spec);
  if (store.kind === 'memory') return memory;
  return new RateLimiterDrizzle({
    ...spec,
    storeClient: store.db,
    schema: store.table,
    insuranceLimiter: memory,
    // Blocked keys are answered from memory without a database round trip.
    inMemoryBlockOnConsumed: spec.points + 1,
    inMemoryBlockDuration: spec.blockDuration ?? spec.duration,
  });
}

const headersOf = (limit: number, res: RateLimiterRes, refused: boolean): Record<string, string> => {
  const reset = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
  const headers: Record<string, string> = {
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(Math.max(0, res.remainingPoints)),
    'ratelimit-reset': String(reset),
  };
  if (refused) headers['retry-after'] = String(reset);
  return headers;
};

/** What a request limiter must do: rate-limiter-flexible's limiters and the synced one both can. */
type Consumer = Pick<RateLimiterAbstract, 'consume'>;

/** Outcome of one consume: a refusal rejects with a RateLimiterRes; anything else is a store failure. */
async function consume(limiter: Consumer, key: string, limit: number): Promise<RateDecision> {
  try {
    const res = await limiter.consume(key);
    return { allowed: true, headers: headersOf(limit, res, false), retryAfterSeconds: 0 };
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    const headers = headersOf(limit, err, true);
    return { allowed: false, headers, retryAfterSeconds: Number(headers['retry-after']) };
  }
}

const consumedOf = async (limiter: RateLimiterAbstract, key: string) => (await limiter.get(key)) ?? null;

export function createRateLimits(config: RateLimitConfig, store: RateLimitStore): RateLimits {
  const limiter = (keyPrefix: string, points: number, duration: number, blockDuration?: number) =>
    makeLimiter(store, { keyPrefix, points, duration, blockDuration });
  // Per-request limits: a database round trip per request would cost more than the request (the REST bench
  // fell from 18 k to 1.7 k req/s), so shared counts are synced in batches (synced-limiter.ts).
  const perRequest = (keyPrefix: string, points: number): Consumer => {
    const base = limiter(keyPrefix, points, 1);
    return store.kind === 'memory' ? base : createSyncedLimiter({ shared: base, points, durationMs: 1_000 });
  };
  const api = {
    credential: perRequest('vigil_api_cred', config.apiPerCredential),
    ip: perRequest('vigil_api_ip', config.apiPerIp),
  };
  const ingest = perRequest('vigil_ingest_cred', config.ingestPerCredential);
  const login = {
    ip: limiter('vigil_login_ip', config.loginFailuresPerIp, HOUR, HOUR),
    userAndIp: limiter('vigil_login_user_ip', config.loginFailuresPerUserAndIp, QUARTER_HOUR, QUARTER_HOUR),
    user: limiter('vigil_login_user', 1_000_000, QUARTER_HOUR),
  };
  const pair = (username: string, ip: string) => `${username.toLowerCase()}|${ip}`;

  return {
    async check(kind, credentialKey, ip) {
      const byIp = await consume(api.ip, ip, config.apiPerIp);
      if (!byIp.allowed || credentialKey === null) return byIp;
      const [byCredential, limit] =
        kind === 'ingest' ? [ingest, config.ingestPerCredential] : [api.credential, config.apiPerCredential];
      const credential = await consume(byCredential, credentialKey, limit);
      // The headers describe the limit closer to refusing (RateLimit draft): a client sharing its address
      // with others must see the address's budget run out, not only its own.
      const remaining = (d: RateDecision) => Number(d.headers['ratelimit-remaining']);
      return credential.allowed && remaining(byIp) < remaining(credential) ? byIp : credential;
    },
    async loginVerdict(username, ip) {
      const [byIp, byPair, byUser] = await Promise.all([
        consumedOf(login.ip, ip),
        consumedOf(login.userAndIp, pair(username, ip)),
        consumedOf(login.user, username.toLowerCase()),
      ]);
      const locks = [
        byIp && byIp.consumedPoints >= config.loginFailuresPerIp ? byIp.msBeforeNext : 0,
        byPair && byPair.consumedPoints >= config.loginFailuresPerUserAndIp ? byPair.msBeforeNext : 0,
      ];
      return {
        lockedForSeconds: Math.ceil(Math.max(...locks) / 1000),
        delayMs: slowdownMs(byUser?.consumedPoints ?? 0, config.loginSlowAfterPerUser),
      };
    },
    async loginFailed(username, ip) {
      // Refusals (RateLimiterRes) only mean the counter is past its limit, which loginVerdict reads.
      const swallowRefusal = (err: unknown) => {
        if (!(err instanceof RateLimiterRes)) throw err;
      };
      await Promise.all([
        login.ip.consume(ip).catch(swallowRefusal),
        login.userAndIp.consume(pair(username, ip)).catch(swallowRefusal),
        login.user.consume(username.toLowerCase()).catch(swallowRefusal),
      ]);
    },
    async loginSucceeded(username, ip) {
      await login.userAndIp.delete(pair(username, ip));
    },
  };
}
