import { describe, expect, it } from 'vitest';
import { DATE_TIME_RANGE_MS, DATE_TIME_YEARS, isDateTime } from './formats.ts';

describe('isDateTime', () => {
  it('accepts ISO 8601 with a zone, with or without seconds and fractions', () => {
    for (const value of [
      '2026-11-21T14:03:05.123Z',
      '2026-11-21T14:03Z',
      '2026-11-21T14:03:05+01:00',
      '2026-11-21T14:03:05-0530',
      '2026-11-21t14:03:05.123456789z',
      '2028-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '1970-01-01T00:00:00Z',
      '9999-12-31T23:59:59.999Z',
    ]) {
      expect(isDateTime(value), value).toBe(true);
    }
  });

  it('rejects impossible calendar dates that Date.parse would roll over', () => {
    expect(Date.parse('2026-02-30T00:00:00Z')).not.toBeNaN(); // the trap: March 2
    for (const value of [
      '2026-02-30T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-00-10T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-01-01T23:59:60Z',
      '2026-01-01T00:00:00+24:00',
    ]) {
      expect(isDateTime(value), value).toBe(false);
    }
  });

  it(`rejects years outside ${DATE_TIME_YEARS.min}..${DATE_TIME_YEARS.max}, in the text or after the offset`, () => {
    for (const value of [
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '1970-01-01T00:30:00+01:00',
      '9999-12-31T23:00:00-05:00',
      '+010000-01-01T00:00:00Z',
      '-000001-01-01T00:00:00Z',
    ]) {
      expect(isDateTime(value), value).toBe(false);
    }
    expect(new Date(DATE_TIME_RANGE_MS.min).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(new Date(DATE_TIME_RANGE_MS.max).toISOString()).toBe('9999-12-31T23:59:59.999Z');
  });

  it('rejects what is not a date-time with a zone', () => {
    for (const value of [
      'yesterday',
      '2026-11-21',
      '2026-11-21T14:03:05',
      '1',
      '2026-11-21T14:03:05Z\u0000',
    ]) {
      expect(isDateTime(value), value).toBe(false);
    }
  });
});
