/**
 * A list an admin page loads once over REST and then edits locally after each successful call (a created
 * user is appended, a revoked token marked), so the page never refetches on a timer.
 */
export function createRemoteList<T>(fetchList: () => Promise<T[]>) {
  let items = $state.raw<T[]>([]);
  let status = $state<'loading' | 'ready' | 'error'>('loading');
  let error = $state<string | null>(null);

  return {
    get items() {
      return items;
    },
    set items(next: T[]) {
      items = next;
    },
    get status() {
      return status;
    },
    get error() {
      return error;
    },
    async load(): Promise<void> {
      status = 'loading';
      error = null;
      try {
        items = await fetchList();
        status = 'ready';
      } catch (err) {
        error = (err as Error).message;
        status = 'error';
      }
    },
  };
}
