import { COUNTRIES } from '../catalog/geo.ts';
import { MAX_NORMAL_AMOUNT, MERCHANTS } from '../catalog/merchants.ts';
import { randomUser } from '../catalog/people.ts';
import type { EventBody } from '../generator/event-types.ts';
import type { NoiseContext } from './log-noise.ts';

/** Share of purchases made abroad (the rest are in the user's home country and currency). */
const ABROAD_SHARE = 0.04;

/** One background card transaction by a random user at a random merchant. */
export function transactionNoise({ rng, population }: NoiseContext): EventBody<'transactions'> {
  const user = randomUser(rng, population);
  const merchant = rng.pick(MERCHANTS);
  const country = rng.chance(ABROAD_SHARE) ? rng.pick(COUNTRIES) : user.country;
  const amount = Math.min(rng.logNormal(merchant.medianAmount, merchant.sigma), MAX_NORMAL_AMOUNT);
  const roll = rng.float();
  return {
    userId: user.userId,
    amount: Math.max(0.5, Math.round(amount * 100) / 100),
    currency: country.currency,
    merchant: merchant.name,
    country: country.code,
    status: roll < 0.955 ? 'approved' : roll < 0.99 ? 'declined' : 'pending',
  };
}
