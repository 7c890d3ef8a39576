import { api } from '../api/api.ts';
import type { AlertEvents } from '../api/evidence-reader.ts';

/**
 * The events behind the alert on the detail page (GET /api/alerts/{id}/events). Loaded with the page and
 * again on the user's "Check again" (events still in the processor's archive buffer), never on a timer.
 */
export function createAlertEvents() {
  let events = $state.raw<AlertEvents | null>(null);
  let status = $state<'loading' | 'ready' | 'error'>('loading');
  let error = $state<string | null>(null);
  let current = '';

  async function load(id: string): Promise<void> {
    current = id;
    status = 'loading';
    error = null;
    try {
      const found = await api.alertEvents(id);
      if (current !== id) return;
      // A 404 here means the alert itself is gone: the page says so; the table has nothing to show.
      events = found ?? { items: [], pending: [], unreadable: [], truncated: false };
      status = 'ready';
    } catch (err) {
      if (current !== id) return;
      events = null;
      status = 'error';
      error = (err as Error).message;
    }
  }

  return {
    get events() {
      return events;
    },
    get status() {
      return status;
    },
    get error() {
      return error;
    },
    load,
  };
}
