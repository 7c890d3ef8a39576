import { ValidationError } from '@vigil/core';
import type { AuditActor, AuditEntry, NewAuditEntry } from './audit-log-port.ts';
import { checkDate, checkText, optionalText } from './identity-input.ts';
import type { AuditRow, auditLog } from './schema.ts';

const ACTOR_KINDS: readonly string[] = ['user', 'token', 'system', 'anonymous'];
const OUTCOMES: readonly string[] = ['success', 'failure'];
// Actor names include whatever a failed login tried: kept (cut) so the attempt is still recorded.
const MAX_NAME_LENGTH = 200;
const MAX_IP_LENGTH = 64;
const MAX_REQUEST_ID_LENGTH = 200;
// before/after hold a changed record's fields, never this deep; bounds the walk over junk.
const MAX_JSON_DEPTH = 32;

/**
 * before/after as jsonb accepts them: PostgreSQL refuses U+0000 in jsonb strings (keys included), which
 * would lose the entry, so NUL becomes U+FFFD; `undefined` (and what JSON drops) becomes null.
 */
function storableJson(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD');
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  // undefined, functions, symbols, bigints and anything nested past the limit are not history worth a failure.
  if (typeof value !== 'object' || value === null || depth >= MAX_JSON_DEPTH) return null;
  if (Array.isArray(value)) return value.map((item) => storableJson(item, depth + 1));
  // fromEntries defines own properties: a key "__proto__" stays a key instead of replacing the prototype.
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key.replaceAll('\u0000', '\uFFFD'), storableJson(item, depth + 1)]),
  );
}

function checkActor(actor: AuditActor): AuditActor {
  if (!ACTOR_KINDS.includes(actor?.kind)) {
    throw new ValidationError('actor.kind must be user, token, system or anonymous', {
      details: { kind: actor?.kind },
    });
  }
  return {
    kind: actor.kind,
    id: optionalText(actor.id, MAX_NAME_LENGTH),
    name: optionalText(actor.name, MAX_NAME_LENGTH) ?? '',
  };
}

/** The row for an entry; throws ValidationError for what the table's constraints would refuse. */
export function auditEntryRow(entry: NewAuditEntry): typeof auditLog.$inferInsert {
  if (!OUTCOMES.includes(entry.outcome)) {
    throw new ValidationError('outcome must be success or failure', { details: { outcome: entry.outcome } });
  }
  const actor = checkActor(entry.actor);
  return {
    at: checkDate('at', entry.at),
    actorKind: actor.kind,
    actorId: actor.id,
    actorName: actor.name,
    action: checkText('action', entry.action, 100),
    targetType: checkText('target.type', entry.target?.type, 100),
    targetId: optionalText(entry.target?.id, MAX_NAME_LENGTH),
    ip: optionalText(entry.ip, MAX_IP_LENGTH),
    requestId: optionalText(entry.requestId, MAX_REQUEST_ID_LENGTH),
    before: storableJson(entry.before),
    after: storableJson(entry.after),
    outcome: entry.outcome,
  };
}

export const fromAuditRow = (row: AuditRow): AuditEntry => ({
  id: row.id.toString(),
  at: row.at,
  actor: { kind: row.actorKind, id: row.actorId, name: row.actorName },
  action: row.action,
  target: { type: row.targetType, id: row.targetId },
  ip: row.ip,
  requestId: row.requestId,
  before: row.before,
  after: row.after,
  outcome: row.outcome,
});
