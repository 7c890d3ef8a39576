/**
 * Picks a key's partition with 32-bit FNV-1a over its UTF-8 bytes: stable across runs and processes,
 * so one key always lands in one partition and keeps its order. (Kafka uses murmur2; the numbers differ,
 * the guarantee is the same.)
 */
export function partitionForKey(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(key, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}
