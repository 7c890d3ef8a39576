import { mix32, unit } from '../random/hash.ts';
import type { Rng } from '../random/rng.ts';
import { type Country, countryAt, ipv4From, ipv6From } from './geo.ts';

/**
 * Users are derived from their index by hashing, so a population of millions costs no memory and a
 * user keeps the same country and home address in every run.
 */
export interface User {
  userId: string;
  country: Country;
  /** Home address: most of the user's logins and purchases come from here. */
  ip: string;
}

/** Fewest users in a run. */
export const MIN_POPULATION = 50_000;
/**
 * Users per event/s of requested rate. Each user's transaction and login rates then stay the same at any
 * rate, so per-user windowed rules (≥ 5 transactions in 5 min, ≥ 5 login failures in 1 min) are never
 * reached by background noise however fast the simulator runs.
 */
export const USERS_PER_EVENT_PER_SECOND = 1_000;

export const populationFor = (rate: number): number =>
  Math.max(MIN_POPULATION, Math.ceil(rate * USERS_PER_EVENT_PER_SECOND));

const COUNTRY_SALT = 0x2c1b3c6d;
const IP_SALT = 0x297a2d39;
const IPV6_SHARE = 0.08;

export function userAt(index: number): User {
  const ipHash = mix32(index ^ IP_SALT);
  const ip = unit(mix32(ipHash)) < IPV6_SHARE ? ipv6From(ipHash, mix32(ipHash + 1)) : ipv4From(ipHash);
  return {
    userId: `u-${100_000 + index}`,
    country: countryAt(unit(mix32(index ^ COUNTRY_SALT))),
    ip,
  };
}

export const randomUser = (rng: Rng, population: number): User => userAt(rng.int(0, population - 1));

/** An address on a mobile carrier's NAT (logins from phones move around). */
export const mobileIp = (rng: Rng): string =>
  ipv4From(rng.int(0, 0xffffffff) >>> 0, [100, 172, 174, 188, 37]);
