import { describe, expect, it } from 'vitest';
import { entityAlertsHref, entityEventsHref } from './entity-links.ts';

describe('risk panel links', () => {
  it('links a user to its alerts by userId and to its events', () => {
    const user = { kind: 'user' as const, value: 'alice' };
    expect(entityAlertsHref(user)).toBe('/alerts?userId=alice');
    expect(entityEventsHref(user)).toBe('/events?userId=alice');
  });

  it('links an ip to its events, and to its alerts by the key its rules give it', () => {
    const ip = { kind: 'ip' as const, value: '10.0.0.5' };
    expect(entityAlertsHref(ip)).toBe('/alerts?key=ip%3D10.0.0.5');
    expect(entityAlertsHref({ kind: 'host', value: 'web-1' })).toBe('/alerts?key=host%3Dweb-1');
    expect(entityEventsHref(ip)).toBe('/events?ip=10.0.0.5');
  });

  it('links a service and a host by their own fields', () => {
    expect(entityAlertsHref({ kind: 'service', value: 'payments' })).toBe('/alerts?service=payments');
    expect(entityEventsHref({ kind: 'host', value: 'web-1' })).toBe('/events?host=web-1');
  });
});
