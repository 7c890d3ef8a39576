import type { Rng } from '../random/rng.ts';

/** Pieces of realistic log lines: ids in the shapes real systems print, durations, paths. */
export const requestId = (r: Rng): string => `req_${r.base62(12)}`;
/** W3C trace-context trace id: 32 lowercase hex digits. */
export const traceId = (r: Rng): string => r.hex(32);
export const orderId = (r: Rng): string => `ord_${r.base62(10)}`;
export const chargeId = (r: Rng): string => `ch_${r.base62(14)}`;
export const sessionId = (r: Rng): string => `sess_${r.base62(16)}`;
export const sku = (r: Rng): string => `SKU-${r.int(10_000, 99_999)}`;
export const uuid = (r: Rng): string => {
  const h = r.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
};
/** A duration in ms shaped like real request times: log-normal around `median`, one decimal under 10 ms. */
export function durationMs(r: Rng, median: number, sigma = 0.45): string {
  const ms = r.logNormal(median, sigma);
  return ms < 10 ? `${ms.toFixed(1)}ms` : `${Math.round(ms)}ms`;
}
export const money = (r: Rng, median: number): string => r.logNormal(median, 0.7).toFixed(2);

export const SEARCH_TERMS = [
  'running shoes',
  'usb-c hub',
  'winter jacket',
  'espresso machine',
  'noise cancelling headphones',
  'yoga mat',
  'standing desk',
  'mechanical keyboard',
  'rain boots',
  'air fryer',
  'kids backpack',
  'led desk lamp',
] as const;

export const PSPS = ['adyen', 'stripe', 'braintree'] as const;
export const CLIENTS = ['web', 'ios/7.42.1', 'android/7.41.0', 'partner-api'] as const;
export const PEERS = {
  payments: ['psp-gateway', 'ledger', 'fraud-scoring'],
  checkout: ['payments', 'inventory', 'pricing'],
  auth: ['user-directory', 'redis-sessions'],
  search: ['opensearch', 'ranking'],
  inventory: ['postgres-inventory', 'warehouse-sync'],
  notifications: ['smtp-relay', 'apns', 'fcm'],
} as const;
