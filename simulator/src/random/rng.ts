import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { mix32 } from './hash.ts';

/**
 * A seeded random source (xoroshiro128+ from pure-rand, mutated in place for speed).
 * Everything random in the simulator goes through one of these, never Math.random,
 * which is what makes a seed reproduce a run byte for byte.
 */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  float(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Standard normal (Box-Muller). */
  normal(mean?: number, sd?: number): number;
  /** Log-normal with the given median and log-space sigma: right-skewed like durations and amounts. */
  logNormal(median: number, sigma: number): number;
  /** Exponential with the given mean: gaps between independent arrivals. */
  exponential(mean: number): number;
  /** `length` lowercase hex digits. */
  hex(length: number): string;
  /** `length` characters of [0-9a-zA-Z], like the ids of payment providers. */
  base62(length: number): string;
}

const TWO_32 = 0x1_0000_0000;
const WARM_UP = 8;
/** Two hex digits per byte value: one table lookup instead of toString(16) and padding. */
const HEX_BYTES = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const BASE62 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function createRng(seed: number): Rng {
  // xoroshiro128+ seeded from a 32-bit value returns `~seed` first and mixes slowly: hash the seed and
  // discard a few outputs so that neighbouring seeds (0, 1, 2…) start unrelated.
  const gen = xoroshiro128plus(mix32(seed));
  for (let i = 0; i < WARM_UP; i++) gen.next();
  const float = (): number => (gen.next() >>> 0) / TWO_32;
  const rng: Rng = {
    float,
    int: (min, max) => min + Math.floor(float() * (max - min + 1)),
    between: (min, max) => min + float() * (max - min),
    chance: (probability) => float() < probability,
    pick: (items) => items[Math.floor(float() * items.length)] as (typeof items)[number],
    normal(mean = 0, sd = 1) {
      const u1 = 1 - float(); // (0, 1]: log(0) would be -Infinity
      const u2 = float();
      return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    logNormal: (median, sigma) => median * Math.exp(sigma * rng.normal()),
    exponential: (mean) => -mean * Math.log(1 - float()),
    hex(length) {
      let out = '';
      for (let i = 0; i < length; i += 2) {
        const byte = gen.next() >>> 24; // the high bits: the low bits of xoroshiro128+ are its weakest
        out += i + 1 < length ? HEX_BYTES[byte] : HEX_BYTES[byte]![1];
      }
      return out;
    },
    base62(length) {
      let out = '';
      for (let i = 0; i < length; i++) out += BASE62[(gen.next() >>> 0) % 62];
      return out;
    },
  };
  return rng;
}

/** Picks by weight; `weights` need not sum to 1. */
export function weightedPick<T>(rng: Rng, items: readonly T[], weights: readonly number[]): T {
  let total = 0;
  for (const w of weights) total += w;
  let roll = rng.float() * total;
  for (let i = 0; i < items.length; i++) {
    roll -= weights[i] as number;
    if (roll < 0) return items[i] as T;
  }
  return items[items.length - 1] as T;
}
