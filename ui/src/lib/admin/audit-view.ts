import type { AuditQuery } from '../api/admin-client.ts';

/** The audit actions the gateway records, for the filter's suggestions. */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.login_failed',
  'auth.logout',
  'auth.sign_in_link',
  'auth.sign_in_link_created',
  'auth.password',
  'user.create',
  'user.update',
  'user.delete',
  'token.create',
  'token.revoke',
  'alert.status',
] as const;

/** The audit page's filter form: `from`/`to` are `datetime-local` values in the browser's zone. */
export interface AuditFilterForm {
  action: string;
  actor: string;
  outcome: '' | 'success' | 'failure';
  from: string;
  to: string;
}

export const emptyAuditFilter = (): AuditFilterForm => ({
  action: '',
  actor: '',
  outcome: '',
  from: '',
  to: '',
});

const instant = (local: string): string | undefined => {
  if (local === '') return undefined;
  const at = new Date(local).getTime();
  return Number.isNaN(at) ? undefined : new Date(at).toISOString();
};

/** GET /api/audit's query for the form (empty fields left out), optionally the next page's cursor. */
export function auditQuery(form: AuditFilterForm, cursor?: string): AuditQuery {
  const query: AuditQuery = {};
  if (form.action.trim()) query.action = form.action.trim();
  if (form.actor.trim()) query.actor = form.actor.trim();
  if (form.outcome) query.outcome = form.outcome;
  const from = instant(form.from);
  if (from) query.from = from;
  const to = instant(form.to);
  if (to) query.to = to;
  if (cursor) query.cursor = cursor;
  return query;
}

const MAX_VALUE_CHARS = 60;
const show = (value: unknown): string => {
  const text = value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
};
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Before/after of an audit entry in one short line per changed field (`status: open → resolved`); fields
 * that did not change are left out. Values are cut at 60 characters; the full record is in the row's title.
 */
export function compactChange(before: unknown, after: unknown): string[] {
  if (before === null && after === null) return [];
  if (!isRecord(before) || !isRecord(after)) {
    if (before === null) return [`+ ${show(after)}`];
    if (after === null) return [`− ${show(before)}`];
    return [`${show(before)} → ${show(after)}`];
  }
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
    .map((key) => `${key}: ${show(before[key])} → ${show(after[key])}`);
}
