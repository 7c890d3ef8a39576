import type {
  Alert,
  AlertFilter,
  Silence,
  SilenceMatchers,
  SilencePage,
  SilencePreview,
  SilenceState,
  ValidSilence,
} from '@vigil/core';

export interface SilenceQuery {
  /** Wall clock (ms) the states are judged at. */
  now: number;
  /** Only silences in this state at `now`; absent: all. */
  state?: SilenceState;
  /** 1 to MAX_SILENCE_PAGE (core), default DEFAULT_SILENCE_PAGE. */
  limit?: number;
  /** `nextCursor` of the previous page; opaque. */
  cursor?: string;
}

/** A silence and the unresolved episodes whose silencedBy it changed (each revision + 1, to publish). */
export interface SilenceChange {
  silence: Silence;
  changed: Alert[];
}

export interface ExpireResult extends SilenceChange {
  /** `already_expired`: it had ended (naturally or by hand) before; nothing changed. */
  outcome: 'expired' | 'already_expired';
}

export interface PreviewOptions {
  now: number;
  /** Most alerts listed (1 to MAX_SILENCE_PREVIEW, the default). */
  limit?: number;
  /** Only alerts passing this filter (a token's scope). */
  scope?: AlertFilter;
}

/**
 * Silences (DESIGN "REST API", silences row) and what they do to alerts: an unresolved episode that matches
 * an active silence has its id in `silencedBy`. The fold sets it for the episodes it writes
 * (alert-episodes.ts), these methods when a silence starts or stops applying by hand, and the processor's
 * sweep (AlertStore.refreshSilenced) when one starts or ends by the clock. Bad input throws core's
 * ValidationError; an unreachable database throws UnavailableError.
 */
export interface SilenceStore {
  /**
   * Stores a silence (validated with core's validateSilenceInput first) by `actor`; when it is active at
   * `now`, in the same transaction every matching unresolved episode gets its id (revision + 1) and a
   * `silenced` entry by `actor` with the comment.
   */
  create(input: ValidSilence, actor: string, now: number): Promise<SilenceChange>;
  /** Newest first (createdAt, id), keyset-paged. */
  list(query: SilenceQuery): Promise<SilencePage>;
  /** Null when there is no such silence. */
  get(id: string, now: number): Promise<Silence | null>;
  /**
   * Ends a silence now (endsAt = now, expiredBy = actor); the unresolved episodes holding its id lose it
   * (revision + 1, an `unsilenced` entry by `actor`). One that has ended already is `already_expired` and
   * changes nothing. A pending one gets startsAt = endsAt − 1 ms (endsAt must stay after startsAt). Null:
   * no such silence.
   */
  expire(id: string, actor: string, now: number): Promise<ExpireResult | null>;
  /**
   * The episodes the matchers would have matched while open during the 24 h before `now`
   * (SILENCE_PREVIEW_WINDOW_MS): detected in it, or resolved in it, or not resolved; newest first.
   */
  preview(matchers: SilenceMatchers, options: PreviewOptions): Promise<SilencePreview>;
}
