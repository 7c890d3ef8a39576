import { describe, expect, it } from 'vitest';
import { MAX_NOTE_LENGTH } from './alert-lifecycle.ts';
import {
  MAX_MATCHER_LENGTH,
  type SilenceTarget,
  silencedBy,
  silenceMatches,
  silenceState,
  validateSilenceInput,
} from './silences.ts';

const alert: SilenceTarget = {
  ruleId: 'metrics.latency-high',
  severity: 'medium',
  source: 'metrics',
  service: 'payments',
  key: 'host=web-1',
  userId: null,
};
const NOW = Date.UTC(2030, 0, 1, 12);
const iso = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const HOUR = 3_600_000;

describe('silenceMatches', () => {
  it('needs every present matcher to equal the alert field', () => {
    expect(silenceMatches({ ruleId: 'metrics.latency-high' }, alert)).toBe(true);
    expect(silenceMatches({ ruleId: 'metrics.latency-high', key: 'host=web-1' }, alert)).toBe(true);
    expect(silenceMatches({ ruleId: 'metrics.latency-high', key: 'host=web-2' }, alert)).toBe(false);
    expect(silenceMatches({ severity: 'medium', source: 'metrics', service: 'payments' }, alert)).toBe(true);
    expect(silenceMatches({ severity: 'high' }, alert)).toBe(false);
  });

  it('compares exactly: no prefix, no case folding', () => {
    expect(silenceMatches({ ruleId: 'metrics' }, alert)).toBe(false);
    expect(silenceMatches({ key: 'HOST=web-1' }, alert)).toBe(false);
  });

  it('never matches a field the alert lacks, and matches nothing without matchers', () => {
    expect(silenceMatches({ userId: 'alice' }, alert)).toBe(false);
    expect(silenceMatches({ userId: 'alice' }, { ...alert, userId: 'alice' })).toBe(true);
    expect(silenceMatches({}, alert)).toBe(false);
  });
});

describe('silenceState', () => {
  it('is pending before startsAt, active from startsAt until endsAt, expired from endsAt', () => {
    const silence = { startsAt: iso(0), endsAt: iso(HOUR) };
    expect(silenceState(silence, NOW - 1)).toBe('pending');
    expect(silenceState(silence, NOW)).toBe('active');
    expect(silenceState(silence, NOW + HOUR - 1)).toBe('active');
    expect(silenceState(silence, NOW + HOUR)).toBe('expired');
  });
});

describe('silencedBy', () => {
  it('lists the active matching silences, sorted by id', () => {
    const silences = [
      { id: 'b', matchers: { ruleId: 'metrics.latency-high' }, startsAt: iso(-HOUR), endsAt: iso(HOUR) },
      { id: 'a', matchers: { key: 'host=web-1' }, startsAt: iso(-HOUR), endsAt: iso(HOUR) },
      { id: 'c', matchers: { key: 'host=web-2' }, startsAt: iso(-HOUR), endsAt: iso(HOUR) },
      { id: 'd', matchers: { key: 'host=web-1' }, startsAt: iso(HOUR), endsAt: iso(2 * HOUR) },
      { id: 'e', matchers: { key: 'host=web-1' }, startsAt: iso(-2 * HOUR), endsAt: iso(0) },
    ];
    expect(silencedBy(silences, alert, NOW)).toEqual(['a', 'b']);
    expect(silencedBy([], alert, NOW)).toEqual([]);
  });
});

describe('validateSilenceInput', () => {
  const valid = { matchers: { ruleId: 'metrics.latency-high' }, endsAt: iso(HOUR), comment: 'deploy' };
  const problems = (value: unknown) => {
    const result = validateSilenceInput(value, NOW);
    return result.ok ? [] : result.problems.map((p) => p.field);
  };

  it('fills startsAt with now and normalises times to UTC', () => {
    expect(validateSilenceInput(valid, NOW)).toEqual({
      ok: true,
      value: { matchers: valid.matchers, startsAt: iso(0), endsAt: iso(HOUR), comment: 'deploy' },
    });
    const later = validateSilenceInput(
      { ...valid, startsAt: '2030-01-01T14:00:00+02:00', endsAt: '2030-01-01T13:30:00Z' },
      NOW,
    );
    expect(later).toMatchObject({ ok: true, value: { startsAt: iso(0), endsAt: iso(HOUR * 1.5) } });
  });

  it('accepts every matcher field, and a start in the past', () => {
    const matchers = {
      ruleId: 'r',
      severity: 'high',
      source: 'security',
      service: 's',
      key: 'ip=10.0.0.1',
      userId: 'u',
    };
    expect(validateSilenceInput({ ...valid, matchers, startsAt: iso(-HOUR) }, NOW).ok).toBe(true);
  });

  it('refuses a silence without matchers', () => {
    expect(problems({ ...valid, matchers: {} })).toEqual(['/matchers']);
    expect(problems({ ...valid, matchers: undefined })).toEqual(['/matchers']);
  });

  it('names unknown matcher fields, lists, bad values and unknown severities and sources', () => {
    expect(
      problems({
        ...valid,
        matchers: {
          host: 'web-1',
          ruleId: ['a', 'b'],
          severity: 'urgent',
          source: 'apps',
          service: '',
          key: 'x'.repeat(MAX_MATCHER_LENGTH + 1),
          userId: 'a\u0000b',
        },
      }),
    ).toEqual([
      '/matchers/host',
      '/matchers/ruleId',
      '/matchers/severity',
      '/matchers/source',
      '/matchers/service',
      '/matchers/key',
      '/matchers/userId',
    ]);
  });

  it('needs endsAt after startsAt and after now', () => {
    expect(problems({ ...valid, startsAt: iso(HOUR) })).toEqual(['/endsAt']);
    expect(problems({ ...valid, startsAt: iso(2 * HOUR) })).toEqual(['/endsAt']);
    expect(problems({ ...valid, startsAt: iso(-2 * HOUR), endsAt: iso(-HOUR) })).toEqual(['/endsAt']);
    expect(problems({ ...valid, endsAt: undefined })).toEqual(['/endsAt']);
  });

  it('refuses dates that are not ISO 8601 with a zone, or outside 1970–9999', () => {
    expect(problems({ ...valid, endsAt: 'tomorrow' })).toEqual(['/endsAt']);
    expect(problems({ ...valid, startsAt: '2030-01-01T12:00:00' })).toEqual(['/startsAt']);
    expect(problems({ ...valid, endsAt: '0000-01-01T00:00:00Z' })).toEqual(['/endsAt']);
    expect(problems({ ...valid, endsAt: 1893499200000 })).toEqual(['/endsAt']);
  });

  it('needs a comment of 1–MAX_NOTE_LENGTH characters', () => {
    expect(problems({ ...valid, comment: undefined })).toEqual(['/comment']);
    expect(problems({ ...valid, comment: '  ' })).toEqual(['/comment']);
    expect(problems({ ...valid, comment: 'x'.repeat(MAX_NOTE_LENGTH + 1) })).toEqual(['/comment']);
  });

  it('refuses unknown fields and bodies that are not objects', () => {
    expect(problems({ ...valid, createdBy: 'mallory' })).toEqual(['/createdBy']);
    expect(problems([valid])).toEqual(['/']);
    expect(problems(null)).toEqual(['/']);
  });
});
