import { describe, expect, it } from 'vitest';
import { moved, newRouteForm, policyBody, problemsByRoute } from './policy-form.ts';

describe('policy form', () => {
  it('sends list matchers as lists and leaves empty ones out', () => {
    const route = newRouteForm('c1');
    route.minSeverity = 'high';
    route.lists.service = 'payments, checkout';
    expect(policyBody([route]).routes[0]).toMatchObject({
      matchers: { minSeverity: 'high', service: ['payments', 'checkout'] },
      channels: ['c1'],
      groupBy: ['ruleId'],
    });
  });

  it('reorders and groups problems by route', () => {
    expect(moved(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moved(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
    const byRoute = problemsByRoute({
      problems: [
        { field: 'routes[1].groupWaitMs', reason: 'too long' },
        { field: 'routes', reason: 'at most 100' },
      ],
    });
    expect(byRoute.get(1)).toEqual(['groupWaitMs: too long']);
    expect(byRoute.get(-1)).toEqual(['routes: at most 100']);
  });
});
