import {
  type AlertFilter,
  FILTER_FIELDS,
  isTokenRole,
  isUserRole,
  SEVERITIES,
  SOURCES,
  type Source,
  type TokenRole,
  type UserRole,
  ValidationError,
} from '@vigil/core';
import { parseInstant } from './alert-filters.ts';

// Checks at the store's door: what PostgreSQL would refuse (U+0000 in text or jsonb, year 0000) must be a
// ValidationError (a 400), never a failed query (a 500).

/** Letters, digits and `.`, `_`, `-`, `@` (emails fit): ASCII only, so lower() folds case the same everywhere. */
const USERNAME_PATTERN = /^[A-Za-z0-9._@-]{1,64}$/;
/** Token names, creators, hashes: longer than any legitimate one, short enough to bound a row. */
const MAX_TEXT_LENGTH = 200;
/** A scope lists at most this many values per field, like an alert query's multi-select filter. */
const MAX_SCOPE_VALUES = 100;

const NUL = '\u0000';

/**
 * Whether a lookup key (an id from a URL, a hash from a cookie) can be sent to PostgreSQL at all: one with
 * U+0000 names no row, and answering "not found" beats a query that fails.
 */
export const isLookupKey = (value: unknown): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= MAX_TEXT_LENGTH && !value.includes(NUL);

export const isValidUsername = (value: unknown): value is string =>
  typeof value === 'string' && USERNAME_PATTERN.test(value);

export function checkUsername(value: unknown): string {
  if (isValidUsername(value)) return value;
  throw new ValidationError('username must be 1–64 letters, digits, ".", "_", "-" or "@"', {
    details: { username: typeof value === 'string' ? value.slice(0, 80).replaceAll(NUL, '\\u0000') : value },
  });
}

export function checkText(name: string, value: unknown, max = MAX_TEXT_LENGTH): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || value.includes(NUL)) {
    throw new ValidationError(`${name} must be a string of 1–${max} characters without U+0000`, {
      details: { [name]: typeof value === 'string' ? value.slice(0, 80).replaceAll(NUL, '\\u0000') : value },
    });
  }
  return value;
}

/** Optional text from a request (IP, User-Agent): kept, cut to `max`, NUL replaced, never a reason to fail a login. */
export const optionalText = (value: string | null | undefined, max: number): string | null =>
  typeof value === 'string' && value.length > 0 ? value.slice(0, max).replaceAll(NUL, '\uFFFD') : null;

export function checkUserRole(value: unknown): UserRole {
  if (isUserRole(value)) return value;
  throw new ValidationError('role must be viewer, operator or admin', { details: { role: value } });
}

export function checkTokenRole(value: unknown): TokenRole {
  if (isTokenRole(value)) return value;
  throw new ValidationError('role must be viewer, operator, admin or ingest', { details: { role: value } });
}

export function checkDate(name: string, value: unknown): Date {
  if (!(value instanceof Date))
    throw new ValidationError(`${name} must be a Date`, { details: { [name]: value } });
  return parseInstant(value, name);
}

export const checkOptionalDate = (name: string, value: unknown): Date | null =>
  value === null || value === undefined ? null : checkDate(name, value);

const checkValues = (field: string, values: unknown, allowed?: readonly string[]): string[] => {
  if (!Array.isArray(values) || values.length > MAX_SCOPE_VALUES) {
    throw new ValidationError(`${field} must be a list of at most ${MAX_SCOPE_VALUES} values`, {
      details: { field },
    });
  }
  for (const value of values) {
    if (typeof value !== 'string' || value.length === 0 || value.includes(NUL)) {
      throw new ValidationError(`${field} values must be non-empty strings without U+0000`, {
        details: { field },
      });
    }
    if (allowed && !allowed.includes(value)) {
      throw new ValidationError(`${field} "${value}" is not one of ${allowed.join(', ')}`, {
        details: { field, value },
      });
    }
  }
  return values as string[];
};

export const checkSources = (value: unknown): Source[] | null =>
  value === null || value === undefined ? null : (checkValues('sources', value, SOURCES) as Source[]);

/** A token's scope: only core's filter fields, each a list of valid values. */
export function checkScope(value: unknown): AlertFilter | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('scope must be an object of filter fields', { details: { scope: value } });
  }
  const allowed: Record<string, readonly string[] | undefined> = { severity: SEVERITIES, source: SOURCES };
  const scope: Record<string, string[]> = {};
  for (const [field, values] of Object.entries(value)) {
    if (!(FILTER_FIELDS as readonly string[]).includes(field)) {
      throw new ValidationError(`scope field "${field}" is not one of ${FILTER_FIELDS.join(', ')}`, {
        details: { field },
      });
    }
    scope[field] = checkValues(`scope.${field}`, values, allowed[field]);
  }
  return scope as AlertFilter;
}
