import { ERROR_CODES, VigilError } from '@vigil/core';

/**
 * SQLSTATE classes and codes that mean "this row is wrong", not "the server is down" or "our SQL is wrong":
 * the same insert fails again however often it is retried, and an insert without that row succeeds.
 * 22 data exception (22021 invalid byte sequence such as NUL in text, 22008 datetime field overflow such as
 * year 0000, 22P05 unsupported Unicode escape in jsonb, 22001 value too long), 23 integrity constraint
 * violation (a CHECK or NOT NULL a value breaks), 54000 program limit exceeded (a key too large for its index).
 */
const INPUT_SQLSTATE_CLASSES = new Set(['22', '23']);
const INPUT_SQLSTATES = new Set(['54000']);
/** Deep enough for DrizzleQueryError → pg DatabaseError and a wrapper or two. */
const MAX_CAUSE_DEPTH = 8;
/** A DLQ reason is a header: bounded, one line. */
const MAX_REASON_LENGTH = 300;

const sqlstateOf = (err: Error): string | null => {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : null;
};

/** The error in the cause chain that says the input was refused, or null when none does. */
function refusalIn(err: unknown): Error | null {
  for (let e = err, depth = 0; e instanceof Error && depth < MAX_CAUSE_DEPTH; e = e.cause, depth++) {
    if (e instanceof VigilError && e.code === ERROR_CODES.validation) return e;
    const sqlstate = sqlstateOf(e);
    if (sqlstate && (INPUT_SQLSTATE_CLASSES.has(sqlstate.slice(0, 2)) || INPUT_SQLSTATES.has(sqlstate)))
      return e;
  }
  return null;
}

/**
 * True when a store refused what it was given because of the data itself (the alert store's
 * ValidationError, or a PostgreSQL data/integrity error, under any wrapper): poison, to dead-letter.
 * Anything else that is not transient (a TypeError, a SQL syntax error, an unknown failure) is a bug.
 */
export const isInputRefusal = (err: unknown): boolean => refusalIn(err) !== null;

/**
 * One line for the DLQ reason: the database's own message and SQLSTATE, never the wrapper's (Drizzle's
 * "Failed query: …" message holds the whole statement and every parameter of the batch).
 */
export function describeRefusal(err: unknown): string {
  const refusal = refusalIn(err);
  const sqlstate = refusal ? sqlstateOf(refusal) : null;
  const text = refusal
    ? `${refusal.message}${sqlstate ? ` (SQLSTATE ${sqlstate})` : ''}`
    : err instanceof Error
      ? err.message
      : String(err);
  const line = text.replaceAll(/\s+/g, ' ').trim();
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH - 1)}…` : line;
}
