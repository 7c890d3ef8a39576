import type { HttpResponse } from './http-types.ts';

export interface ResponseCacheOptions {
  /** Upper bound on staleness for changes the gateway is not told about (a status set on another gateway). */
  ttlMs: number;
  maxEntries: number;
  now: () => number;
}

interface Entry {
  at: number;
  response: Promise<HttpResponse>;
}

/**
 * Caches whole responses of history reads (lists, stats) between alerts. The gateway invalidates it for
 * every alert its feed receives and every status it changes, so a cached page is never older than the
 * newest alert this gateway knows of; concurrent misses of one key share one computation. Only 200s stay.
 */
export function createResponseCache(options: ResponseCacheOptions) {
  const entries = new Map<string, Entry>();
  let hits = 0;
  let misses = 0;

  return {
    get(key: string, compute: () => Promise<HttpResponse>): Promise<HttpResponse> {
      const entry = entries.get(key);
      if (entry && options.now() - entry.at < options.ttlMs) {
        hits++;
        return entry.response;
      }
      misses++;
      const response = compute();
      const fresh: Entry = { at: options.now(), response };
      entries.set(key, fresh);
      if (entries.size > options.maxEntries) entries.delete(entries.keys().next().value!);
      const forget = () => {
        if (entries.get(key) === fresh) entries.delete(key);
      };
      // The caller gets the rejection; the cache only forgets the failed or non-200 answer.
      response.then((r) => r.status !== 200 && forget(), forget);
      return response;
    },

    invalidate(): void {
      entries.clear();
    },

    stats: () => ({ entries: entries.size, hits, misses }),
  };
}

export type ResponseCache = ReturnType<typeof createResponseCache>;
