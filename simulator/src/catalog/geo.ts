/** Countries users live in, with their currency and share of users. Currencies are kept to ones near
 * a US dollar in value, because `transactions.large-amount` compares raw amounts (> 10000) whatever the currency. */
export interface Country {
  code: string;
  currency: string;
  weight: number;
}

export const COUNTRIES: readonly Country[] = [
  { code: 'US', currency: 'USD', weight: 30 },
  { code: 'GB', currency: 'GBP', weight: 12 },
  { code: 'DE', currency: 'EUR', weight: 12 },
  { code: 'FR', currency: 'EUR', weight: 8 },
  { code: 'CA', currency: 'CAD', weight: 7 },
  { code: 'NL', currency: 'EUR', weight: 5 },
  { code: 'ES', currency: 'EUR', weight: 5 },
  { code: 'IT', currency: 'EUR', weight: 5 },
  { code: 'AU', currency: 'AUD', weight: 5 },
  { code: 'IE', currency: 'EUR', weight: 2 },
  { code: 'BE', currency: 'EUR', weight: 2 },
  { code: 'AT', currency: 'EUR', weight: 2 },
  { code: 'CH', currency: 'CHF', weight: 2 },
  { code: 'SG', currency: 'SGD', weight: 1.5 },
  { code: 'NZ', currency: 'NZD', weight: 1.5 },
];

const TOTAL_WEIGHT = COUNTRIES.reduce((sum, c) => sum + c.weight, 0);

/** The country at a point `u` in [0, 1) of the weighted distribution (lets a hash pick a stable country). */
export function countryAt(u: number): Country {
  let roll = u * TOTAL_WEIGHT;
  for (const country of COUNTRIES) {
    roll -= country.weight;
    if (roll < 0) return country;
  }
  return COUNTRIES[COUNTRIES.length - 1]!;
}

// First octets of consumer ISP ranges; a user's home address is made from these plus hashed bits.
const CONSUMER_FIRST_OCTETS = [
  24, 31, 37, 46, 62, 66, 67, 68, 71, 73, 76, 77, 78, 79, 80, 81, 82, 84, 86, 88, 89, 90, 91, 92, 93, 94, 95,
  98, 99, 109, 151, 176, 178, 188, 212, 213, 217,
] as const;
// Hosting and VPN ranges: where the attack scenarios come from.
export const HOSTING_FIRST_OCTETS = [5, 45, 103, 141, 146, 185, 193, 194] as const;

/** A dotted IPv4 address from a 32-bit hash, inside one of the given first-octet ranges. */
export function ipv4From(hash: number, firstOctets: readonly number[] = CONSUMER_FIRST_OCTETS): string {
  const first = firstOctets[(hash >>> 24) % firstOctets.length];
  return `${first}.${(hash >>> 16) & 0xff}.${(hash >>> 8) & 0xff}.${1 + ((hash & 0xff) % 254)}`;
}

/** A global unicast IPv6 address in a residential-looking /32 from two hashes. */
export function ipv6From(a: number, b: number): string {
  const prefixes = ['2a02:8109', '2601:1c0', '2a01:cb00', '2003:e8', '2a00:23c5'];
  const group = (n: number) => (n & 0xffff).toString(16);
  return `${prefixes[a % prefixes.length]}:${group(a >>> 8)}:${group(b)}::${group(b >>> 16) || '1'}`;
}
