import { SEVERITIES, type Severity } from '../alerts/alert.ts';
import { SOURCES, type Source } from '../events/sources.ts';
import { checkKnownKeys, checkText, FieldProblems, isRecord } from './field-problems.ts';

/**
 * What a route matches. Each list field holds the values it accepts (absent or empty: any), as in a
 * subscription filter; `minSeverity` is "at least" (`"high"` matches high and critical). All given fields
 * must match (AND). An alert without a service or userId never matches a `service` / `userId` list.
 */
export interface RouteMatchers {
  severity?: Severity[];
  minSeverity?: Severity;
  source?: Source[];
  service?: string[];
  ruleId?: string[];
  key?: string[];
  userId?: string[];
}

/** Alert fields a route may group by. */
export const GROUP_BY_FIELDS = ['ruleId', 'severity', 'source', 'service', 'key', 'userId'] as const;
export type GroupByField = (typeof GROUP_BY_FIELDS)[number];

/** One route of the policy, every field filled in (see ROUTE_DEFAULTS). */
export interface Route {
  matchers: RouteMatchers;
  /** Channel ids; each gets its own groups and state. */
  channels: string[];
  /** Alerts agreeing on these fields share a group and so a message; `[]` puts all of a route's alerts in one. */
  groupBy: GroupByField[];
  /** How long a new group waits for more alerts before its first message. */
  groupWaitMs: number;
  /** Least time between two messages of one group when its alerts change. */
  groupIntervalMs: number;
  /** A group whose firing alerts are unchanged is sent again after this long. */
  repeatIntervalMs: number;
  /** Send a notice when a notified alert resolves. */
  sendResolved: boolean;
  /** Alerts of this severity or above skip `groupWaitMs` (their group's first message goes at once); null: none do. */
  bypassGroupWaitAtLeast: Severity | null;
  /** Go on trying the next routes after this one matched. */
  continue: boolean;
}

/** A route as given to `PUT /api/notification-policy`: everything but matchers and channels optional. */
export type RouteInput = Pick<Route, 'channels'> & Partial<Omit<Route, 'channels'>>;

export interface NotificationPolicy {
  /** Tried in order; the first route that matches takes the alert unless it has `continue`. */
  routes: Route[];
}

/** The stored policy with who saved it. */
export interface StoredPolicy extends NotificationPolicy {
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

/**
 * Defaults (Alertmanager's): a group's first message 30 s after its first alert, later changes at most every
 * 5 min, unchanged firing alerts again every 4 h, resolved notices on, critical alerts at once.
 */
export const ROUTE_DEFAULTS = {
  matchers: {},
  groupBy: ['ruleId'],
  groupWaitMs: 30_000,
  groupIntervalMs: 300_000,
  repeatIntervalMs: 14_400_000,
  sendResolved: true,
  bypassGroupWaitAtLeast: 'critical',
  continue: false,
} as const satisfies Omit<Route, 'channels'>;

/** Bounds, each with its reason. */
export const POLICY_LIMITS = {
  /** Routes are tried one by one for every alert: a hundred is a large organisation. */
  routes: 100,
  channelsPerRoute: 20,
  valuesPerMatcher: 100,
  /** group_wait past an hour delays the first message more than any grouping is worth. */
  maxGroupWaitMs: 3_600_000,
  /** Below a second a group interval is no grouping; above a day changes go unnoticed. */
  minGroupIntervalMs: 1_000,
  maxGroupIntervalMs: 86_400_000,
  /** Under a minute a repeat is spam; beyond 30 days it is never. */
  minRepeatIntervalMs: 60_000,
  maxRepeatIntervalMs: 30 * 86_400_000,
} as const;

const ROUTE_FIELDS = [
  'matchers',
  'channels',
  'groupBy',
  'groupWaitMs',
  'groupIntervalMs',
  'repeatIntervalMs',
  'sendResolved',
  'bypassGroupWaitAtLeast',
  'continue',
] as const;
const MATCHER_FIELDS = ['severity', 'minSeverity', 'source', 'service', 'ruleId', 'key', 'userId'] as const;

const isSeverity = (v: unknown): v is Severity => SEVERITIES.includes(v as Severity);

function checkList(
  problems: FieldProblems,
  field: string,
  value: unknown,
  allowed?: readonly string[],
): void {
  if (!Array.isArray(value)) {
    problems.add(field, 'expected a list of strings');
    return;
  }
  if (value.length > POLICY_LIMITS.valuesPerMatcher)
    problems.add(field, `at most ${POLICY_LIMITS.valuesPerMatcher} values`);
  value.forEach((item, i) => {
    if (allowed && !allowed.includes(item as string))
      problems.add(`${field}[${i}]`, `expected one of ${allowed.join(', ')}`);
    else if (!allowed) checkText(problems, `${field}[${i}]`, item, { max: 200 });
  });
}

function checkMatchers(problems: FieldProblems, field: string, value: unknown): void {
  if (!isRecord(value)) {
    problems.add(field, 'expected an object');
    return;
  }
  checkKnownKeys(problems, field, value, MATCHER_FIELDS);
  if (value.severity !== undefined) checkList(problems, `${field}.severity`, value.severity, SEVERITIES);
  if (value.minSeverity !== undefined && !isSeverity(value.minSeverity))
    problems.add(`${field}.minSeverity`, `expected one of ${SEVERITIES.join(', ')}`);
  if (value.source !== undefined) checkList(problems, `${field}.source`, value.source, SOURCES);
  for (const name of ['service', 'ruleId', 'key', 'userId'] as const)
    if (value[name] !== undefined) checkList(problems, `${field}.${name}`, value[name]);
}

function checkDuration(
  problems: FieldProblems,
  field: string,
  value: unknown,
  min: number,
  max: number,
): void {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
    problems.add(field, `expected whole milliseconds from ${min} to ${max}`);
}

function checkRoute(problems: FieldProblems, at: string, value: unknown): void {
  if (!isRecord(value)) {
    problems.add(at, 'expected an object');
    return;
  }
  checkKnownKeys(problems, at, value, ROUTE_FIELDS);
  if (value.matchers !== undefined) checkMatchers(problems, `${at}.matchers`, value.matchers);
  const channels = value.channels;
  if (!Array.isArray(channels) || channels.length === 0 || channels.length > POLICY_LIMITS.channelsPerRoute)
    problems.add(`${at}.channels`, `expected 1–${POLICY_LIMITS.channelsPerRoute} channel ids`);
  else {
    for (const [i, id] of channels.entries()) checkText(problems, `${at}.channels[${i}]`, id, { max: 200 });
    if (new Set(channels).size !== channels.length)
      problems.add(`${at}.channels`, 'a channel is listed twice');
  }
  if (value.groupBy !== undefined) checkList(problems, `${at}.groupBy`, value.groupBy, GROUP_BY_FIELDS);
  const L = POLICY_LIMITS;
  if (value.groupWaitMs !== undefined)
    checkDuration(problems, `${at}.groupWaitMs`, value.groupWaitMs, 0, L.maxGroupWaitMs);
  if (value.groupIntervalMs !== undefined)
    checkDuration(
      problems,
      `${at}.groupIntervalMs`,
      value.groupIntervalMs,
      L.minGroupIntervalMs,
      L.maxGroupIntervalMs,
    );
  if (value.repeatIntervalMs !== undefined)
    checkDuration(
      problems,
      `${at}.repeatIntervalMs`,
      value.repeatIntervalMs,
      L.minRepeatIntervalMs,
      L.maxRepeatIntervalMs,
    );
  for (const flag of ['sendResolved', 'continue'] as const)
    if (value[flag] !== undefined && typeof value[flag] !== 'boolean')
      problems.add(`${at}.${flag}`, 'expected true or false');
  const bypass = value.bypassGroupWaitAtLeast;
  if (bypass !== undefined && bypass !== null && !isSeverity(bypass))
    problems.add(`${at}.bypassGroupWaitAtLeast`, `expected null or one of ${SEVERITIES.join(', ')}`);
}

/**
 * Checks a policy body and returns it with every route's defaults filled in. Throws a ValidationError whose
 * `details.problems` lists every problem by field (`routes[2].groupWaitMs`). Whether the channel ids exist
 * is the store's check (it knows the channels). `validatePolicy` is the non-throwing form.
 * @example parsePolicy({ routes: [{ matchers: { minSeverity: 'high' }, channels: ['ch_1'] }] })
 */
export function parsePolicy(input: unknown): NotificationPolicy {
  const problems = validatePolicy(input);
  problems.throwIfAny('notification policy');
  const routes = (input as { routes: RouteInput[] }).routes;
  return {
    routes: routes.map((route) => ({ ...ROUTE_DEFAULTS, ...route, matchers: { ...route.matchers } })),
  };
}

/** Every problem of a policy body by field (empty when it is valid). */
export function validatePolicy(input: unknown): FieldProblems {
  const problems = new FieldProblems();
  if (!isRecord(input)) {
    problems.add('', 'expected an object {"routes":[…]}');
    return problems;
  }
  checkKnownKeys(problems, '', input, ['routes']);
  const routes = input.routes;
  if (!Array.isArray(routes)) problems.add('routes', 'expected a list of routes');
  else if (routes.length > POLICY_LIMITS.routes)
    problems.add('routes', `at most ${POLICY_LIMITS.routes} routes`);
  else for (const [i, route] of routes.entries()) checkRoute(problems, `routes[${i}]`, route);
  return problems;
}

/** The policy before anyone saved one: no routes, so nothing is sent. */
export const EMPTY_POLICY: StoredPolicy = { routes: [], version: 0, updatedAt: null, updatedBy: null };
