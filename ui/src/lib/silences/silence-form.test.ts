import { describe, expect, it } from 'vitest';
import {
  bodyOf,
  emptyForm,
  formForAlert,
  formFromQuery,
  formProblems,
  matcherText,
  silenceLinkFor,
} from './silence-form.ts';

const NOW = Date.UTC(2030, 0, 1, 12);
const alert = { ruleId: 'metrics.latency-high', key: 'host=web-1' };

describe('the silence form', () => {
  it('fills the rule and key of an alert, and round-trips them through the page link', () => {
    const form = formForAlert(alert);
    expect(form.matchers).toMatchObject(alert);
    expect(silenceLinkFor(alert)).toBe('/silences?ruleId=metrics.latency-high&key=host%3Dweb-1');
    const back = formFromQuery(new URL(`http://x${silenceLinkFor(alert)}`).searchParams);
    expect(back?.matchers).toEqual(form.matchers);
    expect(formFromQuery(new URLSearchParams())).toBeNull();
  });

  it('sends the matchers that are filled in, and the end from the duration or the end time', () => {
    const form = {
      ...formForAlert(alert),
      matchers: { ...formForAlert(alert).matchers, service: '  ' },
      comment: ' deploy ',
    };
    expect(bodyOf(form, NOW)).toEqual({
      matchers: alert,
      endsAt: new Date(NOW + 2 * 3_600_000).toISOString(),
      comment: 'deploy',
    });
    const until = { ...form, durationMs: null, endsAt: '2030-01-02T10:00:00Z' };
    expect(bodyOf(until, NOW).endsAt).toBe('2030-01-02T10:00:00.000Z');
  });

  it('says what the gateway would refuse, by field', () => {
    expect(formProblems({ ...formForAlert(alert), comment: 'ok' }, NOW)).toEqual([]);
    const problems = formProblems(emptyForm(), NOW);
    expect(problems.some((p) => p.startsWith('Matchers:'))).toBe(true);
    expect(problems.some((p) => p.startsWith('Comment:'))).toBe(true);
    const past = { ...formForAlert(alert), comment: 'x', durationMs: null, endsAt: '2029-01-01T00:00:00Z' };
    expect(formProblems(past, NOW)).toEqual(['End: must be after startsAt']);
    const badSeverity = {
      ...formForAlert(alert),
      comment: 'x',
      matchers: { ...formForAlert(alert).matchers, severity: 'urgent' },
    };
    expect(formProblems(badSeverity, NOW)[0]).toMatch(/^Severity: unknown severity/);
  });

  it('shows matchers as one line', () => {
    expect(matcherText({ ruleId: 'r', key: 'host=a' })).toBe('ruleId=r, key=host=a');
  });
});
