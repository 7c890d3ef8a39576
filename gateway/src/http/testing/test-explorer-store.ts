import type { ExplorerStore } from '../explorer-routes.ts';
import { openTestDatabase } from './test-alert-store.ts';

/** The explorer's reads over the file's shared in-memory PGlite (the same database as the alert store's). */
export function testExplorer(): ExplorerStore {
  return {
    queryEvents: async (query) => (await openTestDatabase()).events.queryEvents(query),
    timeseries: async (query) => (await openTestDatabase()).events.timeseries(query),
    eventsAt: async (query) => (await openTestDatabase()).events.eventsAt(query),
    entities: async (query) => (await openTestDatabase()).store.entities(query),
  };
}
