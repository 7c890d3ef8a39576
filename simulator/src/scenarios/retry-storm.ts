import { randomUser } from '../catalog/people.ts';
import { serviceNamed } from '../catalog/services.ts';
import type { TimedBody } from '../generator/event-types.ts';
import { orderId, sessionId, traceId } from '../noise/log-parts.ts';
import { accessLine } from '../noise/log-templates.ts';
import { byTime, type Scenario } from './scenario.ts';

/**
 * Errors for one user: over the rule's 10, and few enough that, with the service's background errors,
 * its 20-per-service error-spike rule is not reached.
 */
export const RETRY_STORM_ERRORS = 13;

export const retryStorm: Scenario = {
  name: 'retry-storm',
  description:
    "One user's checkout keeps failing (a corrupt saved card) and the app retries: 13 ERROR lines for that user " +
    'in the checkout service in ~100 s.',
  triggers: ['logs.user-error-spike', 'logs.failed-message'],
  source: 'logs',
  durationMs: 110_000,
  plan({ rng, start, population }) {
    const profile = serviceNamed('checkout');
    const userId = randomUser(rng, population).userId;
    const session = sessionId(rng);
    const events: TimedBody[] = [];
    for (let i = 0; i < RETRY_STORM_ERRORS; i++) {
      const message =
        i % 2 === 0
          ? `${accessLine(rng, `POST /api/v1/checkout/sessions/${session}/confirm`, 502, 900)} error="payment step failed"`
          : `payment authorization failed order=${orderId(rng)} user=${userId} code=invalid_card_token attempt=${i + 1}`;
      events.push({
        time: start + i * rng.int(6_000, 8_000),
        source: 'logs',
        body: {
          service: profile.name,
          level: 'ERROR',
          message,
          userId,
          host: rng.pick(profile.hosts),
          traceId: traceId(rng),
        },
      });
    }
    return { target: `userId=${userId} service=checkout`, events: byTime(events), effects: [] };
  },
};
