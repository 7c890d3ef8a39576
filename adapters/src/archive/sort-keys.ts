/**
 * Sorts keys by their UTF-8 bytes, the order S3 lists in, so both archives agree even on keys outside ASCII
 * (JavaScript's default sort compares UTF-16 code units, which differs above U+FFFF).
 */
export function sortKeys(keys: string[]): string[] {
  return keys
    .map((key) => ({ key, bytes: Buffer.from(key, 'utf8') }))
    .sort((a, b) => Buffer.compare(a.bytes, b.bytes))
    .map(({ key }) => key);
}
