import type { RouteView } from '../api/notification-client.ts';

/** Matcher fields edited as comma-separated lists. */
export const LIST_MATCHERS = ['severity', 'source', 'service', 'ruleId', 'key', 'userId'] as const;

/** A route as the policy page edits it: list matchers as text. */
export interface RouteForm extends Omit<RouteView, 'matchers'> {
  minSeverity: string;
  lists: Record<(typeof LIST_MATCHERS)[number], string>;
}

const splitList = (text: string) =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export function routeFormOf(route: RouteView): RouteForm {
  const { matchers, ...rest } = route;
  const lists = Object.fromEntries(
    LIST_MATCHERS.map((f) => [f, Array.isArray(matchers[f]) ? (matchers[f] as string[]).join(', ') : '']),
  ) as RouteForm['lists'];
  return {
    ...rest,
    minSeverity: typeof matchers.minSeverity === 'string' ? matchers.minSeverity : '',
    lists,
  };
}

/** A new route: the gateway's defaults (core ROUTE_DEFAULTS), sending to the first channel if any. */
export const newRouteForm = (channelId?: string): RouteForm =>
  routeFormOf({
    matchers: {},
    channels: channelId ? [channelId] : [],
    groupBy: ['ruleId'],
    groupWaitMs: 30_000,
    groupIntervalMs: 300_000,
    repeatIntervalMs: 14_400_000,
    sendResolved: true,
    bypassGroupWaitAtLeast: 'critical',
    continue: false,
  });

/** The body of PUT /api/notification-policy. */
export function policyBody(routes: readonly RouteForm[]) {
  return {
    routes: routes.map(({ minSeverity, lists, ...route }) => {
      const matchers: Record<string, unknown> = {};
      if (minSeverity) matchers.minSeverity = minSeverity;
      for (const field of LIST_MATCHERS) {
        const values = splitList(lists[field]);
        if (values.length > 0) matchers[field] = values;
      }
      return { ...route, matchers };
    }),
  };
}

/** Moves item `from` by `by` places (−1 up, +1 down), clamped; a new array. */
export function moved<T>(items: readonly T[], from: number, by: number): T[] {
  const to = Math.max(0, Math.min(items.length - 1, from + by));
  const out = [...items];
  const [item] = out.splice(from, 1);
  if (item !== undefined) out.splice(to, 0, item);
  return out;
}

/**
 * The gateway's 400 problems (`details.problems`, `{field, reason}`) by route index, field path shown
 * relative to the route (`groupWaitMs: expected …`); problems of no route under -1.
 */
export function problemsByRoute(details: unknown): Map<number, string[]> {
  const out = new Map<number, string[]>();
  const list = (details as { problems?: unknown } | undefined)?.problems;
  if (!Array.isArray(list)) return out;
  for (const p of list as { field?: unknown; reason?: unknown }[]) {
    const field = typeof p.field === 'string' ? p.field : '';
    const match = /^routes\[(\d+)\]\.?(.*)$/.exec(field);
    const index = match ? Number(match[1]) : -1;
    const line = `${match ? match[2] || 'route' : field || 'policy'}: ${String(p.reason)}`;
    out.set(index, [...(out.get(index) ?? []), line]);
  }
  return out;
}
