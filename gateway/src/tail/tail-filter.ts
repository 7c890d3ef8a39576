import type { Source } from '@vigil/core';
import type { EventQuery } from '@vigil/db';

/** The filters of a live tail: those of `GET /api/events` but the time range and paging, scope applied. */
export type TailFilter = Omit<EventQuery, 'from' | 'to' | 'limit' | 'cursor'> & {
  /** Matches no event: a token scope that leaves nothing of the filter (the stream stays open, silent). */
  none?: boolean;
};

/** A filter ready to run on every event: streams with the same `key` share one match per event. */
export interface CompiledTailFilter {
  /** Canonical: two filters that select the same events by the same rules have the same key. */
  readonly key: string;
  /** The sources it can match; empty: any (the tail only tries a filter on events of these). */
  readonly sources: readonly Source[];
  matches(source: Source, event: Readonly<Record<string, unknown>>): boolean;
}

const FIELDS = ['service', 'host', 'userId', 'ip', 'level', 'action'] as const;
/** As the event store's search (db/src/text-search.ts): words are runs of letters and digits. */
const WORD = /[\p{L}\p{N}]+/gu;
/** The store's bounds, so a live filter selects what GET /api/events would find. */
const MAX_TERMS = 8;
const MIN_PREFIX_LENGTH = 3;

const words = (text: string): string[] => text.toLowerCase().match(WORD) ?? [];

/** The query's words as the store reads them: lower case, each once, at most MAX_TERMS. */
export function searchTerms(q: string | undefined): string[] {
  return q === undefined ? [] : [...new Set(words(q))].slice(0, MAX_TERMS);
}

/**
 * Whether every term appears in `message`: terms of three or more characters as word prefixes ("pay"
 * finds "payments"), shorter ones as whole words, as `GET /api/events?q=` searches the stored message.
 */
export function messageMatches(message: string, terms: readonly string[]): boolean {
  if (terms.length === 0) return true;
  const tokens = words(message);
  return terms.every((term) =>
    term.length >= MIN_PREFIX_LENGTH ? tokens.some((token) => token.startsWith(term)) : tokens.includes(term),
  );
}

const NOTHING: CompiledTailFilter = { key: 'none', sources: [], matches: () => false };

const sortedSet = (values: readonly string[] | undefined): string[] =>
  values === undefined ? [] : [...new Set(values)].sort();

/**
 * Compiles a filter. A listed field matches any of its values, an absent or empty one matches all, and an
 * event without the field does not match a listed one (SQL's NULL IN (…)); `q` needs a message.
 */
export function compileTailFilter(filter: TailFilter): CompiledTailFilter {
  if (filter.none) return NOTHING;
  const sources = sortedSet(filter.source) as Source[];
  const lists = FIELDS.map((field) => [field, sortedSet(filter[field])] as const).filter(
    ([, values]) => values.length > 0,
  );
  const terms = searchTerms(filter.q);
  const key = JSON.stringify([sources, lists, [...terms].sort()]);
  // Sets for the per-event test (a filter may list 100 values per field), in flat arrays: this runs for
  // every event against every filter group, so the loop allocates nothing.
  const sourceSet = new Set<string>(sources);
  const fields = lists.map(([field]) => field);
  const sets = lists.map(([, values]) => new Set(values));
  return {
    key,
    sources,
    matches(source, event) {
      if (sourceSet.size > 0 && !sourceSet.has(source)) return false;
      for (let i = 0; i < fields.length; i += 1) {
        const value = event[fields[i]!];
        if (typeof value !== 'string' || !sets[i]!.has(value)) return false;
      }
      if (terms.length === 0) return true;
      const message = event.message;
      return typeof message === 'string' && messageMatches(message, terms);
    },
  };
}
