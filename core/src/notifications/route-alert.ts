import { type Alert, SEVERITIES, type Severity } from '../alerts/alert.ts';
import type { GroupByField, NotificationPolicy, Route, RouteMatchers } from './notification-policy.ts';

/** What routing needs of an alert (the whole Alert works). */
export type RoutedKeys = Pick<Alert, 'severity' | 'source' | 'service' | 'ruleId' | 'key' | 'userId'>;

/** One route an alert goes to, with the group it joins there. */
export interface RouteMatch {
  /** Position of the route in the policy: part of the group's identity. */
  routeIndex: number;
  route: Route;
  /** Alertmanager-style: `0:{ruleId="logs.error-spike"}` (route index, then the groupBy labels). */
  groupKey: string;
  groupLabels: Record<string, string>;
}

export const severityRank = (severity: Severity): number => SEVERITIES.indexOf(severity);

const listMatches = (values: readonly string[] | undefined, value: string | null): boolean =>
  values === undefined || values.length === 0 || (value !== null && values.includes(value));

/** Whether an alert satisfies every matcher of a route (no matchers: every alert). */
export function matchesRoute(matchers: RouteMatchers, alert: RoutedKeys): boolean {
  if (matchers.minSeverity && severityRank(alert.severity) < severityRank(matchers.minSeverity)) return false;
  return (
    listMatches(matchers.severity, alert.severity) &&
    listMatches(matchers.source, alert.source) &&
    listMatches(matchers.service, alert.service) &&
    listMatches(matchers.ruleId, alert.ruleId) &&
    listMatches(matchers.key, alert.key) &&
    listMatches(matchers.userId, alert.userId)
  );
}

/** The labels a route groups by and its group key; a field the alert lacks (no service) groups as "". */
export function groupOf(
  routeIndex: number,
  groupBy: readonly GroupByField[],
  alert: RoutedKeys,
): { groupKey: string; groupLabels: Record<string, string> } {
  const groupLabels: Record<string, string> = Object.create(null);
  for (const field of groupBy) groupLabels[field] = alert[field] ?? '';
  const labels = groupBy.map((field) => `${field}=${JSON.stringify(groupLabels[field])}`).join(',');
  return { groupKey: `${routeIndex}:{${labels}}`, groupLabels: { ...groupLabels } };
}

/**
 * The routes an alert goes to, in policy order: each matching route until one without `continue`. Pure:
 * the notifier routes every alert with it and the dashboard previews "which channels would this go to".
 * @example routeAlert(policy, alert).flatMap((m) => m.route.channels)
 */
export function routeAlert(policy: NotificationPolicy, alert: RoutedKeys): RouteMatch[] {
  const matches: RouteMatch[] = [];
  for (const [routeIndex, route] of policy.routes.entries()) {
    if (!matchesRoute(route.matchers, alert)) continue;
    matches.push({ routeIndex, route, ...groupOf(routeIndex, route.groupBy, alert) });
    if (!route.continue) break;
  }
  return matches;
}
