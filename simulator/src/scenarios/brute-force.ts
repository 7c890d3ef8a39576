import { HOSTING_FIRST_OCTETS, ipv4From } from '../catalog/geo.ts';
import { randomUser } from '../catalog/people.ts';
import { serviceNamed } from '../catalog/services.ts';
import type { TimedBody } from '../generator/event-types.ts';
import { byTime, type Scenario } from './scenario.ts';

/** Failures against the target account, in ~40 s (the rule wants 5 within 1 min, per userId or per ip). */
export const BRUTE_FORCE_TARGET_FAILURES = 14;
/** Further failures from the same address against other accounts (credential stuffing). */
export const BRUTE_FORCE_STUFFING_FAILURES = 8;

export const bruteForce: Scenario = {
  name: 'brute-force',
  description:
    'One hosting address guesses the password of one account 14 times in ~40 s, then tries 8 other accounts, ' +
    'then gets into the first one. Every failure has the same ip, and the 14 the same userId, so the rule ' +
    'fires whichever key the processor counts by; the success after them is a brute force that worked.',
  triggers: ['security.login-failures', 'security.brute-force-success', 'logs.failed-message'],
  source: 'security',
  durationMs: 75_000,
  plan({ rng, start, population }) {
    const ip = ipv4From(rng.int(0, 0xffffffff) >>> 0, HOSTING_FIRST_OCTETS);
    const target = randomUser(rng, population).userId;
    const events: TimedBody[] = [];
    const fail = (time: number, userId: string, attempt: number) => {
      events.push({
        time,
        source: 'security',
        body: { ip, action: 'login_failure', userId, resource: '/login' },
      });
      // The auth service logs every third failure (the others are rate-limited log lines).
      if (attempt % 3 === 0) {
        events.push({
          time: time + 3,
          source: 'logs',
          body: {
            service: 'auth',
            level: 'WARN',
            message: `authentication failed user=${userId} ip=${ip} reason=invalid_password attempt=${attempt}`,
            userId,
            host: rng.pick(serviceNamed('auth').hosts),
          },
        });
      }
    };
    let time = start;
    for (let i = 1; i <= BRUTE_FORCE_TARGET_FAILURES; i++) {
      fail(time, target, i);
      time += rng.int(2_200, 3_200);
    }
    for (let i = 1; i <= BRUTE_FORCE_STUFFING_FAILURES; i++) {
      fail(time, randomUser(rng, population).userId, i);
      time += rng.int(1_500, 2_500);
    }
    events.push({
      time: time + rng.int(3_000, 8_000),
      source: 'security',
      body: { ip, action: 'login_success', userId: target, resource: '/login' },
    });
    return { target: `ip=${ip} userId=${target}`, events: byTime(events), effects: [] };
  },
};
