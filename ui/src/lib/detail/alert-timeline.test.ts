import { describe, expect, it } from 'vitest';
import { makeAlert } from '../stream/stream-test-kit.ts';
import { alertTimeline, relatedQuery } from './alert-timeline.ts';

describe('alertTimeline', () => {
  it('measures each hop from the previous one and from the event', () => {
    const alert = makeAlert({
      eventTime: '2026-01-01T00:00:00.000Z',
      ingestedAt: '2026-01-01T00:00:00.020Z',
      detectedAt: '2026-01-01T00:00:00.050Z',
      publishedAt: '2026-01-01T00:00:00.060Z',
    });
    const steps = alertTimeline(alert, Date.parse('2026-01-01T00:00:00.100Z'));
    expect(steps.map((s) => s.sincePrevious)).toEqual([null, 20, 30, 10, 40]);
    expect(steps.at(-1)?.sinceEvent).toBe(100);
  });

  it('skips hops that were not recorded', () => {
    const steps = alertTimeline(makeAlert({ ingestedAt: null }), undefined);
    expect(steps[1]?.at).toBeNull();
    expect(steps[2]?.sincePrevious).toBe(50);
    expect(steps[4]?.at).toBeNull();
  });
});

describe('relatedQuery', () => {
  it('narrows by the service or user the key names', () => {
    expect(relatedQuery(makeAlert()).toString()).toBe('ruleId=logs.error-spike&limit=50&service=payments');
    const byUser = makeAlert({ service: null, userId: 'u-1', key: 'userId=u-1' });
    expect(relatedQuery(byUser).get('userId')).toBe('u-1');
    expect(relatedQuery(makeAlert({ service: null, key: 'ip=10.0.0.1' })).has('service')).toBe(false);
  });
});
