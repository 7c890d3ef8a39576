import { HOSTING_FIRST_OCTETS, ipv4From } from '../catalog/geo.ts';
import { randomUser } from '../catalog/people.ts';
import type { TimedBody } from '../generator/event-types.ts';
import { byTime, type Scenario } from './scenario.ts';

/** Accounts tried once each: 1.4× the rule's 10 distinct users. */
export const PASSWORD_SPRAY_USERS = 14;
/**
 * Gap between two tries, slow on purpose ("low and slow", under per-account lockouts): at 16 s or more, no
 * five fall within a minute (security.login-failures stays quiet), and 14 tries take at most 13 × 19 s < 5 min.
 */
const GAP_MS = [16_000, 19_000] as const;

export const passwordSpray: Scenario = {
  name: 'password-spray',
  description:
    'One hosting address tries one common password against 14 different accounts, one every 16-19 s (slow enough ' +
    'that no account and no minute sees five failures), all within 5 minutes.',
  triggers: ['security.password-spray'],
  source: 'security',
  durationMs: (PASSWORD_SPRAY_USERS - 1) * GAP_MS[1],
  plan({ rng, start, population }) {
    const ip = ipv4From(rng.int(0, 0xffffffff) >>> 0, HOSTING_FIRST_OCTETS);
    const users = new Set<string>();
    while (users.size < PASSWORD_SPRAY_USERS) users.add(randomUser(rng, population).userId);
    const events: TimedBody[] = [];
    let time = start;
    for (const userId of users) {
      events.push({
        time,
        source: 'security',
        body: { ip, action: 'login_failure', userId, resource: '/login' },
      });
      time += rng.int(GAP_MS[0], GAP_MS[1]);
    }
    return { target: `ip=${ip}`, events: byTime(events), effects: [] };
  },
};
