import { HOSTING_FIRST_OCTETS, ipv4From } from '../catalog/geo.ts';
import { randomUser } from '../catalog/people.ts';
import type { TimedBody } from '../generator/event-types.ts';
import { byTime, type Scenario } from './scenario.ts';

const MIB = 1024 * 1024;

const SENSITIVE = [
  's3://acme-customer-data/exports/customers-full.csv.gz',
  '/srv/share/finance/payroll/salaries-2026.xlsx',
  '/srv/share/legal/contracts/m-and-a/project-heron.pdf',
  's3://acme-backups/pg/orders-primary/base-backup.tar',
  '/srv/share/engineering/secrets/terraform.tfstate',
  '/api/v1/customers/export?format=csv&all=true',
] as const;
const DESTINATIONS = [
  'https://transfer.fileshare.example/upload/',
  'sftp://203.0.113.45/incoming/',
  'https://storage.paste-drop.example/u/',
] as const;

export const dataExfiltration: Scenario = {
  name: 'data-exfiltration',
  description:
    'A compromised employee account logs in over a VPN address, browses sensitive shares, is refused the admin ' +
    'export twice, then pushes three archives of 180-900 MiB to outside hosts over 3 minutes.',
  triggers: ['security.large-transfer', 'security.unauthorized-access'],
  source: 'security',
  durationMs: 240_000,
  plan({ rng, start, population }) {
    const userId = randomUser(rng, population).userId;
    const ip = ipv4From(rng.int(0, 0xffffffff) >>> 0, HOSTING_FIRST_OCTETS);
    const events: TimedBody[] = [
      { time: start, source: 'security', body: { ip, action: 'login_success', userId, resource: '/login' } },
    ];
    SENSITIVE.forEach((resource, i) => {
      events.push({
        time: start + 10_000 + i * rng.int(6_000, 9_000),
        source: 'security',
        body: { ip, action: 'file_access', userId, resource },
      });
    });
    for (const at of [40_000, 52_000]) {
      events.push({
        time: start + at + rng.int(0, 2_000),
        source: 'security',
        body: { ip, action: 'unauthorized_access', userId, resource: '/api/v1/admin/exports' },
      });
    }
    for (const at of [90_000, 150_000, 210_000]) {
      events.push({
        time: start + at + rng.int(0, 10_000),
        source: 'security',
        body: {
          ip,
          action: 'data_transfer',
          userId,
          resource: `${rng.pick(DESTINATIONS)}${rng.base62(10)}.tar.gz`,
          bytes: rng.int(180 * MIB, 900 * MIB),
        },
      });
    }
    return { target: `userId=${userId} ip=${ip}`, events: byTime(events), effects: [] };
  },
};
