export interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface KeysetPagesOptions<T, V> {
  /** One REST page of the view; `cursor` is null for the first. */
  fetchPage: (view: V, cursor: string | null, signal: AbortSignal) => Promise<KeysetPage<T>>;
  idOf: (item: T) => string;
}

/**
 * Pages of a REST list by keyset cursor for one view at a time: a new view aborts the previous load; rows
 * already shown (e.g. live ones that raced the request, whose ids the owner adds to `known`) are skipped.
 */
export function createKeysetPages<T, V>({ fetchPage, idOf }: KeysetPagesOptions<T, V>) {
  let items = $state.raw<T[]>([]);
  let nextCursor = $state<string | null>(null);
  let status = $state<'loading' | 'ready' | 'error'>('loading');
  let error = $state<string | null>(null);
  let loadingMore = $state(false);
  let moreError = $state<string | null>(null);
  let view: V | null = null;
  let controller: AbortController | null = null;
  /** Ids of every row shown for the current view, loaded or live. */
  let known = new Set<string>();

  const append = (page: KeysetPage<T>) => {
    const fresh = page.items.filter((item) => !known.has(idOf(item)));
    for (const item of fresh) known.add(idOf(item));
    items = [...items, ...fresh];
    nextCursor = page.nextCursor;
  };

  return {
    get items() {
      return items;
    },
    get known() {
      return known;
    },
    get view() {
      return view;
    },
    /** The current load's signal; a later load aborts it. */
    get signal() {
      return controller?.signal;
    },
    /** Whether a load started since `signal` was read (its answer is stale). */
    stale: (signal: AbortSignal | undefined) => controller?.signal !== signal,
    get hasMore() {
      return nextCursor !== null;
    },
    get status() {
      return status;
    },
    get error() {
      return error;
    },
    get loadingMore() {
      return loadingMore;
    },
    get moreError() {
      return moreError;
    },
    async load(next: V): Promise<void> {
      view = next;
      controller?.abort();
      const mine = new AbortController();
      controller = mine;
      status = 'loading';
      error = null;
      moreError = null;
      items = [];
      nextCursor = null;
      known = new Set();
      try {
        const page = await fetchPage(next, null, mine.signal);
        if (controller !== mine) return;
        append(page);
        status = 'ready';
      } catch (err) {
        if (controller !== mine || (err as Error).name === 'AbortError') return;
        status = 'error';
        error = (err as Error).message;
      }
    },
    async loadMore(): Promise<void> {
      if (view === null || !nextCursor || loadingMore || status !== 'ready' || !controller) return;
      const mine = controller;
      loadingMore = true;
      moreError = null;
      try {
        const page = await fetchPage(view, nextCursor, mine.signal);
        if (controller === mine) append(page);
      } catch (err) {
        if ((err as Error).name !== 'AbortError') moreError = (err as Error).message;
      } finally {
        loadingMore = false;
      }
    },
    /**
     * Rewrites the loaded rows (live changes applied in place or inserted); ids of inserted rows join `known`
     * so a later page does not repeat them.
     */
    patch(change: (items: readonly T[]) => T[]): void {
      const next = change(items);
      if (next === items) return;
      for (const item of next) known.add(idOf(item));
      items = next;
    },
    /** Forgets the view and aborts its requests (the page unmounted). */
    detach(): void {
      controller?.abort();
      view = null;
    },
  };
}
