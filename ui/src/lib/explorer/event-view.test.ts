import { describe, expect, it } from 'vitest';
import {
  emptyEventView,
  eventsHref,
  isEventFiltered,
  parseEventView,
  serializeEventView,
  toEventParams,
  toStreamParams,
} from './event-view.ts';

const parse = (query: string) => parseEventView(new URLSearchParams(query));

describe('events page URL filters', () => {
  it('round-trips every filter through the URL in a fixed order', () => {
    const view = {
      ...emptyEventView(),
      source: ['logs' as const, 'security' as const],
      service: ['payments'],
      host: ['web-1', 'web-2'],
      userId: ['u-42'],
      ip: ['10.0.0.5'],
      level: ['ERROR' as const],
      action: ['login_failure' as const],
      q: 'upstream timeout',
      range: '1h' as const,
    };
    const query = serializeEventView(view);
    expect(query).toBe(
      'source=logs,security&service=payments&host=web-1,web-2&userId=u-42&ip=10.0.0.5&level=ERROR&action=login_failure&q=upstream+timeout&range=1h',
    );
    expect(parse(query)).toEqual(view);
  });

  it('gives an empty query for an empty view, which filters on nothing', () => {
    expect(serializeEventView(emptyEventView())).toBe('');
    expect(parse('')).toEqual(emptyEventView());
    expect(isEventFiltered(emptyEventView())).toBe(false);
    expect(isEventFiltered(parse('ip=10.0.0.5'))).toBe(true);
  });

  it('drops unknown sources and ranges, bad instants, and ignores from/to beside a preset', () => {
    expect(parse('source=carrier-pigeon,metrics').source).toEqual(['metrics']);
    expect(parse('range=3y').range).toBeNull();
    expect(parse('from=yesterday').from).toBeNull();
    expect(parse('range=15m&from=2026-01-01T00:00:00Z')).toMatchObject({ range: '15m', from: null });
    expect(parse('from=2026-01-01T00:00:00%2B01:00').from).toBe('2025-12-31T23:00:00.000Z');
  });

  it('accepts repeated and comma-separated values alike, without duplicates', () => {
    expect(parse('host=a&host=b,c&host=a').host).toEqual(['a', 'b', 'c']);
  });

  it('keeps levels and actions the gateway knows, in canonical order, levels in any case', () => {
    expect(parse('level=error,debug,loud').level).toEqual(['DEBUG', 'ERROR']);
    expect(parse('action=login_failure,dance,login_success').action).toEqual([
      'login_success',
      'login_failure',
    ]);
  });
});

describe('toEventParams', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('resolves a relative range against now and passes the page', () => {
    const params = toEventParams(parse('source=logs&level=ERROR,WARN&q=disk&range=15m'), now, {
      limit: 50,
      cursor: 'abc',
    });
    expect(Object.fromEntries(params)).toEqual({
      source: 'logs',
      level: 'WARN,ERROR',
      q: 'disk',
      from: '2026-03-01T11:45:00.000Z',
      limit: '50',
      cursor: 'abc',
    });
  });

  it('passes a custom range as given', () => {
    const params = toEventParams(parse('from=2026-03-01T10:00:00Z&to=2026-03-01T11:00:00Z'), now);
    expect(params.get('from')).toBe('2026-03-01T10:00:00.000Z');
    expect(params.get('to')).toBe('2026-03-01T11:00:00.000Z');
  });
});

describe('toStreamParams', () => {
  it('asks the live tail for the filters and the text, never the range', () => {
    const params = toStreamParams(parse('source=logs&service=payments&level=error&q=%20card%20&range=1h'));
    expect([...params]).toEqual([
      ['source', 'logs'],
      ['service', 'payments'],
      ['level', 'ERROR'],
      ['q', 'card'],
    ]);
    expect(toStreamParams(emptyEventView()).toString()).toBe('');
  });
});

describe('eventsHref', () => {
  it('links to the events of one value', () => {
    expect(eventsHref({ ip: ['10.0.0.5'] })).toBe('/events?ip=10.0.0.5');
    expect(eventsHref({ userId: ['a b'] })).toBe('/events?userId=a+b');
    expect(eventsHref({})).toBe('/events');
  });
});
