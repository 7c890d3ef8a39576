import { describe, expect, it } from 'vitest';
import { emptyView } from './alert-view.ts';
import { parseView, serializeView, toApiParams, toWsFilter } from './url-filters.ts';

const parse = (query: string) => parseView(new URLSearchParams(query));

describe('URL filter serialization', () => {
  it("carries an alert key filter (an entity's alerts) from the URL to the REST query", () => {
    const view = parse('key=ip%3D10.0.0.5');
    expect(view.key).toEqual(['ip=10.0.0.5']);
    expect(serializeView(view)).toBe('key=ip%3D10.0.0.5');
    expect(toApiParams(view, 0).get('key')).toBe('ip=10.0.0.5');
  });

  it('round-trips a view through the URL', () => {
    const view = {
      ...emptyView(),
      severity: ['high' as const, 'critical' as const],
      source: ['logs' as const],
      service: ['payments', 'checkout'],
      ruleId: ['logs.error-spike'],
      userId: ['u-42'],
      status: ['open' as const],
      q: 'disk full',
      range: '1h' as const,
    };
    const query = serializeView(view);
    expect(query).toBe(
      'severity=high,critical&source=logs&status=open&service=payments,checkout&ruleId=logs.error-spike&userId=u-42&q=disk+full&range=1h',
    );
    expect(parse(query)).toEqual(view);
  });

  it('gives an empty query for an empty view', () => {
    expect(serializeView(emptyView())).toBe('');
    expect(parse('')).toEqual(emptyView());
  });

  it('accepts repeated and comma-separated values alike, without duplicates', () => {
    expect(parse('service=a&service=b,c&service=a').service).toEqual(['a', 'b', 'c']);
  });

  it('keeps enumerations in canonical order and drops unknown values', () => {
    expect(parse('severity=critical,bogus,low').severity).toEqual(['low', 'critical']);
    expect(parse('source=carrier-pigeon').source).toEqual([]);
    expect(parse('range=3y').range).toBeNull();
  });

  it('normalizes a custom range to ISO and ignores it under a preset', () => {
    const view = parse('from=2026-01-01T10:00:00Z&to=2026-01-01T11:00:00%2B01:00');
    expect(view.from).toBe('2026-01-01T10:00:00.000Z');
    expect(view.to).toBe('2026-01-01T10:00:00.000Z');
    expect(parse('range=15m&from=2026-01-01T10:00:00Z').from).toBeNull();
    expect(parse('from=not-a-date').from).toBeNull();
  });
});

describe('toApiParams', () => {
  const now = Date.parse('2026-01-01T12:00:00.000Z');

  it('resolves a relative range against now and passes the page cursor', () => {
    const params = toApiParams({ ...emptyView(), severity: ['high'], range: '1h' }, now, {
      limit: 50,
      cursor: 'abc',
    });
    expect(Object.fromEntries(params)).toEqual({
      severity: 'high',
      from: '2026-01-01T11:00:00.000Z',
      limit: '50',
      cursor: 'abc',
    });
  });

  it('passes a custom range as given', () => {
    const view = { ...emptyView(), from: '2026-01-01T00:00:00.000Z', to: '2026-01-01T06:00:00.000Z' };
    expect(toApiParams(view, now).toString()).toBe(
      'from=2026-01-01T00%3A00%3A00.000Z&to=2026-01-01T06%3A00%3A00.000Z',
    );
  });
});

describe('toWsFilter', () => {
  it('keeps only the fields the WebSocket filters on, and only non-empty ones', () => {
    const view = {
      ...emptyView(),
      severity: ['low' as const],
      userId: ['u1'],
      q: 'x',
      status: ['open' as const],
    };
    expect(toWsFilter(view)).toEqual({ severity: ['low'] });
    expect(toWsFilter(emptyView())).toEqual({});
  });
});
