import { FormatRegistry } from '@sinclair/typebox';

/**
 * The years a date-time may name, inclusive. 1970 because nothing before the epoch can be a Vigil event
 * (Kafka record timestamps cannot be negative, and a pre-1970 `ts` is a unit or parsing error), and
 * years below 100 would be misread by date parsers that treat two-digit years as 19xx (`0001` came back
 * from PostgreSQL as 2001). 9999 because four digits is what ISO 8601 without an expanded year allows and
 * what every store prints and parses back.
 */
export const DATE_TIME_YEARS = { min: 1970, max: 9999 } as const;

/** The first and last instants a date-time may name, in ms since the epoch (UTC, whatever the offset). */
export const DATE_TIME_RANGE_MS = {
  min: Date.UTC(DATE_TIME_YEARS.min, 0, 1),
  max: Date.UTC(DATE_TIME_YEARS.max + 1, 0, 1) - 1,
} as const;

// ISO 8601 date-time with a zone (Z or ±hh:mm); Date.parse alone accepts too much ("1", "May 5").
// The shape fixes every field's position, so the fields are read by index below, without captures.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// Loose IPv6 shape (hex groups and colons, optional embedded IPv4); exact RFC 4291 parsing is not worth the cost here.
const IPV6 = /^(?=.*:)[0-9a-f:]{2,39}(\d{1,3}(\.\d{1,3}){3})?$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysIn = (year: number, month: number) =>
  month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
/** The two-digit number at `at` (the shape already guarantees digits there). */
const twoDigits = (text: string, at: number) =>
  (text.charCodeAt(at) - 48) * 10 + text.charCodeAt(at + 1) - 48;

/** Whether the zone suffix (`Z`, `±hh:mm` or `±hhmm`) names a real offset. */
function isValidOffset(value: string): boolean {
  const end = value.length;
  const last = value.charCodeAt(end - 1);
  if (last === 90 || last === 122) return true; // Z or z
  const colon = value.charCodeAt(end - 3) === 58;
  return twoDigits(value, colon ? end - 5 : end - 4) <= 23 && twoDigits(value, end - 2) <= 59;
}

/**
 * Whether a string is an ISO 8601 date-time with a zone, naming a real calendar instant inside
 * DATE_TIME_YEARS. Each field is checked, not only the parse: `Date.parse('2026-02-30T00:00:00Z')` is
 * March 2, not an error. Runs per event on the hot path, hence the index arithmetic.
 */
export function isDateTime(value: string): boolean {
  if (!DATE_TIME.test(value)) return false;
  const year = twoDigits(value, 0) * 100 + twoDigits(value, 2);
  const month = twoDigits(value, 5);
  const day = twoDigits(value, 8);
  if (year < DATE_TIME_YEARS.min || year > DATE_TIME_YEARS.max) return false;
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return false;
  const seconds = value.charCodeAt(16) === 58 ? twoDigits(value, 17) : 0;
  if (twoDigits(value, 11) > 23 || twoDigits(value, 14) > 59 || seconds > 59) return false;
  if (!isValidOffset(value)) return false;
  // In the first and last year the offset can carry the instant out of range (9999-12-31T23:00-05:00 is
  // year 10000 in UTC); anywhere between, an offset of under a day cannot.
  if (year > DATE_TIME_YEARS.min && year < DATE_TIME_YEARS.max) return true;
  const ms = Date.parse(value);
  return ms >= DATE_TIME_RANGE_MS.min && ms <= DATE_TIME_RANGE_MS.max;
}

export const isIp = (value: string): boolean => IPV4.test(value) || IPV6.test(value);

/** Registers the string formats the contracts use; idempotent, called by the schema modules. */
export function registerFormats(): void {
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);
  if (!FormatRegistry.Has('ip')) FormatRegistry.Set('ip', isIp);
}
