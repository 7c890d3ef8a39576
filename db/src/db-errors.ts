import { UnavailableError } from '@vigil/core';

// Socket-level failures (Node's error codes) and SQLSTATEs after which the same statement may succeed later.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);
const RETRIABLE_SQLSTATES = new Set([
  '57P01', // admin_shutdown: the server is restarting
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '57014', // query_canceled: the statement timeout fired, the server is too slow to answer right now
  '40001', // serialization_failure
  '40P01', // deadlock_detected: concurrent redeliveries can insert overlapping ids in different orders
]);
// Classes: 08 connection exception, 28 invalid authorization, 3D invalid catalog (no such database),
// 53 insufficient resources (too many connections, disk full).
const RETRIABLE_SQLSTATE_CLASSES = new Set(['08', '28', '3D', '53']);
// node-postgres reports a dropped connection or a full pool with plain Errors that carry no code.
const RETRIABLE_MESSAGES = [/connection terminated/i, /timeout exceeded when trying to connect/i];

const codeOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/** True when an error (or any error in its `cause` chain, e.g. under DrizzleQueryError) is an outage. */
export function isOutage(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const code = codeOf(e);
    if (code && (NETWORK_CODES.has(code) || RETRIABLE_SQLSTATES.has(code))) return true;
    if (code && code.length === 5 && RETRIABLE_SQLSTATE_CLASSES.has(code.slice(0, 2))) return true;
    if (RETRIABLE_MESSAGES.some((re) => re.test(e.message))) return true;
  }
  return false;
}

/** True when an error (or one in its `cause` chain) carries PostgreSQL's `sqlstate`. */
export function hasSqlState(err: unknown, sqlstate: string): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++)
    if (codeOf(e) === sqlstate) return true;
  return false;
}

/**
 * True when an error (or one in its `cause` chain) is PostgreSQL's `sqlstate` (23505 unique violation,
 * 23503 foreign key violation) on `constraint`; both drivers report the constraint's name.
 */
export function isConstraintViolation(err: unknown, sqlstate: string, constraint: string): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    if (codeOf(e) === sqlstate) return (e as { constraint?: unknown }).constraint === constraint;
  }
  return false;
}

/** Runs a database operation, turning outages into UnavailableError; other errors pass through unchanged. */
export async function guardOutage<T>(what: string, target: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isOutage(err)) throw new UnavailableError(`${what}: ${target} could not be reached`, { cause: err });
    throw err;
  }
}

/** "PostgreSQL at host:port/db" for messages and logs: never the user or password of the URL. */
export function describePostgresUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // URL's TypeError carries the input (password included) as `input`, so it must not become a cause.
    return 'PostgreSQL (DATABASE_URL is not a valid URL)';
  }
  const socketHost = parsed.searchParams.get('host');
  const host = parsed.hostname ? `${parsed.hostname}:${parsed.port || '5432'}` : (socketHost ?? 'localhost');
  return `PostgreSQL at ${host}${parsed.pathname || '/'}`;
}
