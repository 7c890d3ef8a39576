import { COUNTRIES, HOSTING_FIRST_OCTETS, ipv4From } from '../catalog/geo.ts';
import { FRAUD_MERCHANTS } from '../catalog/merchants.ts';
import { randomUser } from '../catalog/people.ts';
import { serviceNamed } from '../catalog/services.ts';
import type { TimedBody } from '../generator/event-types.ts';
import { chargeId } from '../noise/log-parts.ts';
import { byTime, type Scenario } from './scenario.ts';

/** 9 purchases in ~2.5 min: the rule wants 5 within 5 min. */
export const FRAUD_TRANSACTIONS = 9;
/** Indexes of the purchases above 10,000 (the rule's threshold for `transactions.large-amount`). */
const LARGE = new Set([2, 4, 6, 7]);

export const fraudBurst: Scenario = {
  name: 'fraud-burst',
  description:
    'A taken-over account logs in from a hosting address abroad and cashes out: 9 purchases in ~2.5 minutes at ' +
    'electronics, gift-card and crypto merchants, 4 of them between 10,500 and 18,000, two declined.',
  triggers: ['transactions.large-amount', 'transactions.user-frequency'],
  source: 'transactions',
  durationMs: 160_000,
  plan({ rng, start, population }) {
    const victim = randomUser(rng, population);
    const abroad = rng.pick(COUNTRIES.filter((c) => c.code !== victim.country.code));
    const ip = ipv4From(rng.int(0, 0xffffffff) >>> 0, HOSTING_FIRST_OCTETS);
    const events: TimedBody[] = [
      {
        time: start,
        source: 'security',
        body: { ip, action: 'login_success', userId: victim.userId, resource: '/login' },
      },
    ];
    let time = start + rng.int(15_000, 25_000);
    for (let i = 0; i < FRAUD_TRANSACTIONS; i++) {
      const large = LARGE.has(i);
      const amount = large ? rng.between(10_500, 18_000) : rng.between(900, 4_900);
      events.push({
        time,
        source: 'transactions',
        body: {
          userId: victim.userId,
          amount: Math.round(amount * 100) / 100,
          currency: abroad.currency,
          merchant: rng.pick(FRAUD_MERCHANTS),
          country: abroad.code,
          status: i === 5 || i === 7 ? 'declined' : 'approved',
        },
      });
      if (large) {
        events.push({
          time: time + rng.int(50, 400),
          source: 'logs',
          body: {
            service: 'payments',
            level: 'WARN',
            message: `fraud score high charge=${chargeId(rng)} user=${victim.userId} score=${rng.between(0.82, 0.97).toFixed(2)} action=review country=${abroad.code}`,
            userId: victim.userId,
            host: rng.pick(serviceNamed('payments').hosts),
          },
        });
      }
      time += rng.int(12_000, 18_000);
    }
    return { target: `userId=${victim.userId} ip=${ip}`, events: byTime(events), effects: [] };
  },
};
