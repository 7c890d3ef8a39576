import { mobileIp, randomUser } from '../catalog/people.ts';
import type { EventBody } from '../generator/event-types.ts';
import { weightedPick } from '../random/rng.ts';
import type { NoiseContext } from './log-noise.ts';

/**
 * Routine security events. Background noise has no `unauthorized_access` (every one is a high-severity
 * alert) and keeps transfers under 50 MiB, far from the 100 MB of `security.large-transfer`.
 */
const ACTIONS = ['login_success', 'login_failure', 'file_access', 'data_transfer'] as const;
const ACTION_WEIGHTS = [0.55, 0.035, 0.335, 0.08];
export const MAX_NORMAL_TRANSFER_BYTES = 50 * 1024 * 1024;

const LOGIN_RESOURCES = ['/oauth/token', '/api/v1/sessions', '/login'] as const;
const FILES = [
  (y: number, n: number) => `/srv/share/finance/${y}/forecast-q${(n % 4) + 1}.xlsx`,
  (_: number, n: number) => `/srv/share/hr/policies/remote-work-v${(n % 7) + 1}.pdf`,
  (_: number, n: number) => `s3://acme-reports/daily/orders-${String((n % 28) + 1).padStart(2, '0')}.csv.gz`,
  (_: number, n: number) => `/api/v1/customers/${100_000 + (n % 90_000)}/invoices`,
  (y: number, n: number) => `/srv/share/engineering/design-docs/${y}/rfc-${100 + (n % 80)}.md`,
] as const;
const TRANSFERS = [
  (n: number) => `s3://acme-exports/analytics/events-${n % 1000}.parquet`,
  (n: number) => `sftp://partner-gateway/outbound/settlements-${n % 500}.csv`,
  (n: number) => `https://drive.acme.example/files/${n.toString(36)}`,
] as const;

export function securityNoise({ rng, population }: NoiseContext, time: number): EventBody<'security'> {
  const user = randomUser(rng, population);
  const action = weightedPick(rng, ACTIONS, ACTION_WEIGHTS);
  const ip = rng.chance(0.12) ? mobileIp(rng) : user.ip;
  const n = rng.int(0, 1_000_000);
  const body: EventBody<'security'> = { ip, action, userId: user.userId };
  if (action === 'login_success' || action === 'login_failure') body.resource = rng.pick(LOGIN_RESOURCES);
  else if (action === 'file_access') body.resource = rng.pick(FILES)(new Date(time).getUTCFullYear(), n);
  else {
    body.resource = rng.pick(TRANSFERS)(n);
    body.bytes = Math.min(Math.round(rng.logNormal(1_500_000, 1.3)), MAX_NORMAL_TRANSFER_BYTES);
  }
  return body;
}
