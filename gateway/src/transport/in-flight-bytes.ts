/**
 * Request body bytes held in memory, per client key (an address, a credential): each connection may buffer
 * a body up to maxBodyBytes, so without a bound per client, many connections from one address (or with one
 * token) could hold many of them at once. Bytes are taken as they arrive and given back when the request ends.
 */
export interface InFlightBytes {
  /** Takes `bytes` for every key, or nothing (and false) when one of them would pass the limit. */
  take(keys: readonly string[], bytes: number): boolean;
  release(keys: readonly string[], bytes: number): void;
  held(key: string): number;
}

export function createInFlightBytes(maxPerKey: number): InFlightBytes {
  const held = new Map<string, number>();
  return {
    take(keys, bytes) {
      if (keys.some((key) => (held.get(key) ?? 0) + bytes > maxPerKey)) return false;
      for (const key of keys) held.set(key, (held.get(key) ?? 0) + bytes);
      return true;
    },
    release(keys, bytes) {
      for (const key of keys) {
        const left = (held.get(key) ?? 0) - bytes;
        if (left <= 0) held.delete(key);
        else held.set(key, left);
      }
    },
    held: (key) => held.get(key) ?? 0,
  };
}
