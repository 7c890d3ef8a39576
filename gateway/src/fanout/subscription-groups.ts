import { type FilterKeys, matchesFilter } from '@vigil/core';
import type { Connection } from './connection.ts';
import { type CanonicalFilter, filterKey } from './filter.ts';

/** The subscribers of one canonical filter: one native uWS topic, so one publish reaches them all. */
export interface Group {
  /** The uWS topic: a short generated name (never client text, which could hold topic syntax). */
  readonly topic: string;
  readonly key: string;
  readonly filter: CanonicalFilter;
  readonly members: ReadonlySet<Connection>;
}

export interface SubscriptionGroups {
  /** Adds the connection to the group of `filter` (creating it) and subscribes the socket to its topic. */
  join(conn: Connection, filter: CanonicalFilter): Group;
  /** Removes the connection; the group goes when its last member does. `socketGone`: uWS already unsubscribed. */
  leave(conn: Connection, group: Group, socketGone: boolean): void;
  /** The groups whose filter passes an alert: one test per distinct filter, not per client. */
  matching(keys: FilterKeys): Group[];
  readonly size: number;
}

interface MutableGroup extends Group {
  readonly members: Set<Connection>;
}

export function createSubscriptionGroups(): SubscriptionGroups {
  const byKey = new Map<string, MutableGroup>();
  let nextTopic = 0;

  return {
    join(conn, filter) {
      const key = filterKey(filter);
      let group = byKey.get(key);
      if (!group) {
        nextTopic += 1;
        group = { topic: `g${nextTopic.toString(36)}`, key, filter, members: new Set() };
        byKey.set(key, group);
      }
      group.members.add(conn);
      conn.subscribe(group.topic);
      return group;
    },
    leave(conn, group, socketGone) {
      const mutable = byKey.get(group.key);
      if (mutable !== group || !mutable.members.delete(conn)) return;
      if (!socketGone) conn.unsubscribe(group.topic);
      if (mutable.members.size === 0) byKey.delete(group.key);
    },
    matching(keys) {
      const matched: Group[] = [];
      for (const group of byKey.values()) if (matchesFilter(group.filter, keys)) matched.push(group);
      return matched;
    },
    get size() {
      return byKey.size;
    },
  };
}
