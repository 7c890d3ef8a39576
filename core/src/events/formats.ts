import { FormatRegistry } from '@sinclair/typebox';

// ISO 8601 date-time with a zone (Z or ±hh:mm); Date.parse alone accepts too much ("1", "May 5").
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
// Loose IPv6 shape (hex groups and colons, optional embedded IPv4); exact RFC 4291 parsing is not worth the cost here.
const IPV6 = /^(?=.*:)[0-9a-f:]{2,39}(\d{1,3}(\.\d{1,3}){3})?$/i;

export const isDateTime = (value: string): boolean =>
  DATE_TIME.test(value) && !Number.isNaN(Date.parse(value));
export const isIp = (value: string): boolean => IPV4.test(value) || IPV6.test(value);

/** Registers the string formats the contracts use; idempotent, called by the schema modules. */
export function registerFormats(): void {
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isDateTime);
  if (!FormatRegistry.Has('ip')) FormatRegistry.Set('ip', isIp);
}
