import type { Alert } from '@vigil/core';
import type { ServiceSummary } from '../api/normalize.ts';
import { isSeverity } from '../format/severity-style.ts';

/**
 * Adds live alerts to per-service summaries loaded over REST (new services appear), most alerts first.
 * `skip` holds ids the REST answer may already count (the caller's seam guard).
 */
export function addToServices(
  services: readonly ServiceSummary[],
  alerts: readonly Alert[],
  skip: ReadonlySet<string> = new Set(),
): ServiceSummary[] {
  const byName = new Map(services.map((s) => [s.service, { ...s, bySeverity: { ...s.bySeverity } }]));
  let changed = false;
  for (const alert of alerts) {
    if (!alert.service || skip.has(alert.id)) continue;
    let entry = byName.get(alert.service);
    if (!entry) {
      entry = {
        service: alert.service,
        total: 0,
        open: 0,
        bySeverity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
        lastAlertAt: null,
      };
      byName.set(alert.service, entry);
    }
    entry.total += 1;
    if (alert.status === 'open') entry.open += 1;
    if (isSeverity(alert.severity)) entry.bySeverity[alert.severity] += 1;
    if (!entry.lastAlertAt || Date.parse(alert.detectedAt) > Date.parse(entry.lastAlertAt)) {
      entry.lastAlertAt = alert.detectedAt;
    }
    changed = true;
  }
  if (!changed) return services as ServiceSummary[];
  return [...byName.values()].sort((a, b) => b.total - a.total || (a.service < b.service ? -1 : 1));
}
