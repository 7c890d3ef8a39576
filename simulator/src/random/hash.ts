/**
 * Small non-cryptographic hashes. They give stable per-entity attributes (a user's country, a host's phase)
 * without keeping tables, and derive independent seeds from one seed plus a label.
 */

/** 32-bit FNV-1a of a string, as an unsigned integer. */
export function fnv1a(text: string, basis = 0x811c9dc5): number {
  let hash = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Avalanche mix of a 32-bit integer (murmur3 fmix32): neighbouring inputs give unrelated outputs. */
export function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) from an integer, e.g. `unit(mix32(userIndex ^ SALT))`. */
export const unit = (hash: number): number => (hash >>> 0) / 0x1_0000_0000;

/** Derives a 32-bit seed from a seed and labels, so each stream (noise, a scenario) is independent. */
export function deriveSeed(seed: number, ...labels: (string | number)[]): number {
  return fnv1a(labels.join('/'), mix32(seed ^ 0x5bd1e995));
}
