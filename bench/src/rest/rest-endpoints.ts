/** The REST history requests the suite measures, with their parameters fixed before the load starts. */
import { benchAuthHeaders } from '../lib/bench-auth.ts';

export interface Endpoint {
  name: string;
  path: string;
}

interface Page {
  items: unknown[];
  nextCursor: string | null;
}

/** Walks `pages` pages down the unfiltered list and returns the cursor found there (a page "deep" in history). */
export async function deepCursor(baseUrl: string, pages: number): Promise<{ cursor: string; depth: number }> {
  let cursor: string | null = null;
  let depth = 0;
  for (; depth < pages; depth++) {
    const query: string = cursor ? `?cursor=${encodeURIComponent(cursor)}` : '';
    const response = await fetch(`${baseUrl}/api/alerts${query}`, { headers: benchAuthHeaders() });
    if (!response.ok) throw new Error(`GET /api/alerts${query} answered ${response.status}`);
    const page = (await response.json()) as Page;
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  if (!cursor) throw new Error('the alert history has a single page: nothing to walk');
  return { cursor, depth };
}

/** First page, a filtered page, a deep page, the 24 h summary and the last hour's 1-minute timeline. */
export function restEndpoints(now: number, cursor: string): Endpoint[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  return [
    { name: 'first page', path: '/api/alerts' },
    { name: 'filtered page', path: '/api/alerts?severity=high&source=logs' },
    { name: 'deep cursor page', path: `/api/alerts?cursor=${encodeURIComponent(cursor)}` },
    { name: 'summary, last 24 h', path: `/api/stats/summary?from=${iso(now - 86_400_000)}&to=${iso(now)}` },
    {
      name: 'timeline 1m, last hour',
      path: `/api/stats/timeline?bucket=1m&from=${iso(now - 3_600_000)}&to=${iso(now)}`,
    },
  ];
}
