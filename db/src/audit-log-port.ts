/**
 * The audit trail: who changed what, when, from where, before and after. Append-only: the store has no
 * update or delete, and the table refuses them (a trigger), so the API cannot rewrite history.
 */
export interface AuditActor {
  kind: 'user' | 'token' | 'system' | 'anonymous';
  /** User or token id; null for system and anonymous. */
  id: string | null;
  /** Username, token name, `system`, or for a failed login the username tried. */
  name: string;
}

export interface NewAuditEntry {
  at: Date;
  actor: AuditActor;
  /** Dotted verb, e.g. `auth.login`, `auth.login_failed`, `user.create`, `token.revoke`, `alert.status`. */
  action: string;
  target: { type: string; id: string | null };
  ip: string | null;
  requestId: string | null;
  /** The changed fields before and after (secrets never included); null when not applicable. */
  before: unknown;
  after: unknown;
  outcome: 'success' | 'failure';
}

export interface AuditEntry extends NewAuditEntry {
  id: string;
}

export interface AuditQuery {
  /** Exact action, or a prefix ending in `.` (e.g. `auth.`). */
  action?: string;
  actorName?: string;
  targetType?: string;
  targetId?: string;
  outcome?: 'success' | 'failure';
  /** Half-open range on `at`. */
  from?: Date;
  to?: Date;
  /** 1–500, default 50. */
  limit?: number;
  /** `nextCursor` of the previous page; opaque. Bad cursors throw ValidationError. */
  cursor?: string;
}

export interface AuditLog {
  record(entry: NewAuditEntry): Promise<void>;
  /** Newest first, keyset-paginated. */
  list(query?: AuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }>;
}
