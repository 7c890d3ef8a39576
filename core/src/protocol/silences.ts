import { type Static, Type } from '@sinclair/typebox';
import { type Alert, AlertSchema, SEVERITIES } from '../alerts/alert.ts';
import { isDateTime } from '../events/formats.ts';
import { SOURCES } from '../events/sources.ts';
import { literals } from '../schema/literals.ts';
import { MAX_NOTE_LENGTH } from './alert-lifecycle.ts';

// Silences (DESIGN "REST API", silences row; gateway/README.md "HTTP: silences"), defined once: the gateway
// validates and documents them, the store and the processor match with silenceMatches, the dashboard
// validates its form with validateSilenceInput.

/** The alert fields a silence may match on, in a fixed order (forms, tables, SQL). */
export const SILENCE_MATCHER_FIELDS = ['ruleId', 'severity', 'source', 'service', 'key', 'userId'] as const;
export type SilenceMatcherField = (typeof SILENCE_MATCHER_FIELDS)[number];

/** `pending`: starts later; `active`: startsAt ≤ now < endsAt; `expired`: ended (naturally or by hand). */
export const SILENCE_STATES = ['active', 'pending', 'expired'] as const;
export type SilenceState = (typeof SILENCE_STATES)[number];

/** Longest matcher value: a rule id, a key, a service or user name; as long as a subscription filter's. */
export const MAX_MATCHER_LENGTH = 200;
/** How far back a preview looks: "what would this silence have matched over the last 24 h". */
export const SILENCE_PREVIEW_WINDOW_MS = 24 * 3_600_000;
/** Most alerts a preview lists (it also says how many there were in all). */
export const MAX_SILENCE_PREVIEW = 100;
/** Silence list page size when none is asked for, and the largest one. */
export const DEFAULT_SILENCE_PAGE = 100;
export const MAX_SILENCE_PAGE = 500;

const iso = Type.String({ format: 'date-time' });
const matcher = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: MAX_MATCHER_LENGTH, description }));

/** The matchers as documented; validateSilenceInput checks them (with per-field reasons). */
export const SilenceMatchersSchema = Type.Object(
  {
    ruleId: matcher('The rule id, e.g. `metrics.latency-high`.'),
    severity: Type.Optional(literals(SEVERITIES)),
    source: Type.Optional(literals(SOURCES)),
    service: matcher('The service; an alert without one never matches.'),
    key: matcher('The alert key, e.g. `host=web-1`.'),
    userId: matcher('The user id; an alert without one never matches.'),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    description: 'At least one; each present field must equal the alert’s (one value each, not a list).',
  },
);

/**
 * What a silence matches: each present field equals the alert's. One value per field (equality, like
 * Alertmanager's `=` matcher), never a list: silencing two rules is two silences, each with its own end.
 */
export type SilenceMatchers = Static<typeof SilenceMatchersSchema>;

/** POST /api/silences and POST /api/silences/preview. */
export const SilenceInputSchema = Type.Object(
  {
    matchers: SilenceMatchersSchema,
    startsAt: Type.Optional(Type.String({ format: 'date-time', description: 'Default: now.' })),
    endsAt: Type.String({ format: 'date-time', description: 'After startsAt and after now.' }),
    comment: Type.String({
      minLength: 1,
      maxLength: MAX_NOTE_LENGTH,
      description: `Why, 1–${MAX_NOTE_LENGTH} characters.`,
    }),
  },
  { additionalProperties: false },
);
export type SilenceInput = Static<typeof SilenceInputSchema>;

/** A silence as stored and answered. */
export const SilenceSchema = Type.Object({
  id: Type.String(),
  matchers: SilenceMatchersSchema,
  startsAt: iso,
  endsAt: iso,
  comment: Type.String(),
  createdBy: Type.String({ description: 'The username, or `token:<name>` for an API token.' }),
  createdAt: iso,
  expiredBy: Type.Union([Type.String(), Type.Null()], {
    description: 'Who expired it by hand (endsAt then says when); null otherwise.',
  }),
  state: literals(SILENCE_STATES),
});
export type Silence = Static<typeof SilenceSchema>;

/** GET /api/silences. */
export const SilencePageSchema = Type.Object({
  items: Type.Array(SilenceSchema, { description: 'Newest first (createdAt, then id, descending).' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor`; null on the last page.',
  }),
});
export type SilencePage = Static<typeof SilencePageSchema>;

/** POST /api/silences/preview. */
export const SilencePreviewSchema = Type.Object({
  items: Type.Array(AlertSchema, {
    description: `The alerts (episodes) it would have matched while open in the last 24 h, newest first, at most ${MAX_SILENCE_PREVIEW}.`,
  }),
  total: Type.Integer({ minimum: 0, description: 'How many there were in all.' }),
});
export type SilencePreview = Static<typeof SilencePreviewSchema>;

/** Where the fields a silence looks at come from: an Alert, or a stored row with the same names. */
export type SilenceTarget = Pick<Alert, SilenceMatcherField>;

/**
 * Whether every present matcher equals the alert's field (an alert without a service or user never matches
 * a matcher on it). Matchers without any field match nothing: validation refuses them, and a silence that
 * slipped through must not silence everything.
 *
 * @example silenceMatches({ ruleId: 'metrics.latency-high', key: 'host=web-1' }, alert)
 */
export function silenceMatches(matchers: SilenceMatchers, alert: SilenceTarget): boolean {
  let present = 0;
  for (const field of SILENCE_MATCHER_FIELDS) {
    const value = matchers[field];
    if (value === undefined) continue;
    present += 1;
    if (alert[field] !== value) return false;
  }
  return present > 0;
}

/** The state of a silence at `now` (ms): active while startsAt ≤ now < endsAt. */
export function silenceState(silence: { startsAt: string; endsAt: string }, now: number): SilenceState {
  if (Date.parse(silence.endsAt) <= now) return 'expired';
  return Date.parse(silence.startsAt) <= now ? 'active' : 'pending';
}

/** Code-unit order, which is PostgreSQL's `collate "C"`: the order silencedBy is kept in everywhere. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The ids of the silences that apply to an alert at `now`, sorted (`alert.silencedBy`'s form).
 * @example silencedBy(activeSilences, episode, Date.now())
 */
export function silencedBy(
  silences: readonly Pick<Silence, 'id' | 'matchers' | 'startsAt' | 'endsAt'>[],
  alert: SilenceTarget,
  now: number,
): string[] {
  const ids: string[] = [];
  for (const silence of silences) {
    if (silenceState(silence, now) === 'active' && silenceMatches(silence.matchers, alert))
      ids.push(silence.id);
  }
  return ids.sort(compareIds);
}

/** One problem with a silence body: the JSON Pointer of the field, and why (as the gateway's 400 lists them). */
export interface SilenceProblem {
  field: string;
  reason: string;
}

/** A silence body as validated: startsAt filled in (now when absent), times normalised to ISO in UTC. */
export interface ValidSilence {
  matchers: SilenceMatchers;
  startsAt: string;
  endsAt: string;
  comment: string;
}

export type SilenceValidation = { ok: true; value: ValidSilence } | { ok: false; problems: SilenceProblem[] };

const NUL = '\u0000';
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const INPUT_FIELDS = new Set(['matchers', 'startsAt', 'endsAt', 'comment']);
const ENUMS: Partial<Record<SilenceMatcherField, readonly string[]>> = {
  severity: SEVERITIES,
  source: SOURCES,
};

function checkMatchers(value: unknown, problems: SilenceProblem[]): SilenceMatchers {
  const matchers: SilenceMatchers = {};
  if (!isObject(value)) {
    problems.push({ field: '/matchers', reason: 'must be an object of matchers, e.g. {"ruleId": "…"}' });
    return matchers;
  }
  const known = new Set<string>(SILENCE_MATCHER_FIELDS);
  for (const [field, raw] of Object.entries(value)) {
    const at = `/matchers/${field}`;
    if (!known.has(field)) {
      problems.push({ field: at, reason: `unknown matcher; one of ${SILENCE_MATCHER_FIELDS.join(', ')}` });
      continue;
    }
    const name = field as SilenceMatcherField;
    if (Array.isArray(raw)) {
      problems.push({ field: at, reason: 'one value per matcher, not a list: create a silence per value' });
      continue;
    }
    if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_MATCHER_LENGTH || raw.includes(NUL)) {
      problems.push({
        field: at,
        reason: `must be a string of 1–${MAX_MATCHER_LENGTH} characters without U+0000`,
      });
      continue;
    }
    const allowed = ENUMS[name];
    if (allowed && !allowed.includes(raw)) {
      problems.push({ field: at, reason: `unknown ${name}; one of ${allowed.join(', ')}` });
      continue;
    }
    (matchers as Record<SilenceMatcherField, string>)[name] = raw;
  }
  if (Object.keys(value).length === 0)
    problems.push({
      field: '/matchers',
      reason: 'needs at least one matcher: a silence must not match every alert',
    });
  return matchers;
}

function checkInstant(value: unknown, field: string, problems: SilenceProblem[]): number | null {
  if (typeof value !== 'string' || !isDateTime(value)) {
    problems.push({ field, reason: 'must be an ISO 8601 date-time with a zone, e.g. 2030-01-01T12:00:00Z' });
    return null;
  }
  return Date.parse(value);
}

/**
 * Checks a silence body (POST /api/silences, its preview, the dashboard's form) and lists every problem by
 * field: no matcher, an unknown matcher field or a list, an unknown severity or source, a bad or missing
 * date, endsAt not after startsAt or not after `now`, a missing or too long comment, unknown fields.
 *
 * @example validateSilenceInput({ matchers: { ruleId: 'logs.error-spike' }, endsAt, comment: 'deploy' }, Date.now())
 */
export function validateSilenceInput(value: unknown, now: number): SilenceValidation {
  const problems: SilenceProblem[] = [];
  if (!isObject(value)) {
    return {
      ok: false,
      problems: [{ field: '/', reason: 'must be an object {matchers, startsAt?, endsAt, comment}' }],
    };
  }
  for (const field of Object.keys(value)) {
    if (!INPUT_FIELDS.has(field)) problems.push({ field: `/${field}`, reason: 'unknown field' });
  }
  const matchers = checkMatchers(value.matchers, problems);
  const startsAt = value.startsAt === undefined ? now : checkInstant(value.startsAt, '/startsAt', problems);
  const endsAt = value.endsAt === undefined ? null : checkInstant(value.endsAt, '/endsAt', problems);
  if (value.endsAt === undefined)
    problems.push({ field: '/endsAt', reason: 'required: when the silence ends' });
  if (startsAt !== null && endsAt !== null) {
    if (endsAt <= startsAt) problems.push({ field: '/endsAt', reason: 'must be after startsAt' });
    else if (endsAt <= now) problems.push({ field: '/endsAt', reason: 'must be in the future' });
  }
  const { comment } = value;
  if (
    typeof comment !== 'string' ||
    comment.trim().length === 0 ||
    comment.length > MAX_NOTE_LENGTH ||
    comment.includes(NUL)
  ) {
    problems.push({
      field: '/comment',
      reason: `required: why, 1–${MAX_NOTE_LENGTH} characters without U+0000`,
    });
  }
  if (problems.length > 0 || startsAt === null || endsAt === null) return { ok: false, problems };
  return {
    ok: true,
    value: {
      matchers,
      startsAt: new Date(startsAt).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
      comment: comment as string,
    },
  };
}
