import {
  type Alert,
  SILENCE_MATCHER_FIELDS,
  type SilenceInput,
  type SilenceMatcherField,
  type SilenceMatchers,
  validateSilenceInput,
} from '@vigil/core';

// The create form of the Silences page, as pure functions: its fields, what an alert fills in, the body it
// sends, and the problems core's validateSilenceInput (the gateway's own check) finds before sending.

/** How long a silence lasts when the form names no end time. */
export const DURATIONS = [
  { label: '1 hour', ms: 3_600_000 },
  { label: '2 hours', ms: 2 * 3_600_000 },
  { label: '4 hours', ms: 4 * 3_600_000 },
  { label: '1 day', ms: 24 * 3_600_000 },
  { label: '1 week', ms: 7 * 24 * 3_600_000 },
] as const;

export const MATCHER_LABELS: Record<SilenceMatcherField, string> = {
  ruleId: 'Rule',
  severity: 'Severity',
  source: 'Source',
  service: 'Service',
  key: 'Key',
  userId: 'User',
};

export interface SilenceFormState {
  matchers: Record<SilenceMatcherField, string>;
  /** Milliseconds from now, or null when `endsAt` is used. */
  durationMs: number | null;
  /** A `datetime-local` value (the browser's zone) when the form names an end time. */
  endsAt: string;
  comment: string;
}

export const emptyMatchers = (): Record<SilenceMatcherField, string> =>
  Object.fromEntries(SILENCE_MATCHER_FIELDS.map((f) => [f, ''])) as Record<SilenceMatcherField, string>;

export const emptyForm = (): SilenceFormState => ({
  matchers: emptyMatchers(),
  durationMs: DURATIONS[1].ms,
  endsAt: '',
  comment: '',
});

/** The form for silencing an alert: its rule and key (what makes an episode), the rest left open. */
export function formForAlert(alert: Pick<Alert, 'ruleId' | 'key'>): SilenceFormState {
  return { ...emptyForm(), matchers: { ...emptyMatchers(), ruleId: alert.ruleId, key: alert.key } };
}

/** The form from `/silences?ruleId=…&key=…` (the alert page's "Silence…" link); null when none is named. */
export function formFromQuery(params: URLSearchParams): SilenceFormState | null {
  const form = emptyForm();
  let any = false;
  for (const field of SILENCE_MATCHER_FIELDS) {
    const value = params.get(field);
    if (value) {
      form.matchers[field] = value;
      any = true;
    }
  }
  return any ? form : null;
}

/** The link that opens the form for an alert. */
export const silenceLinkFor = (alert: Pick<Alert, 'ruleId' | 'key'>): string =>
  `/silences?${new URLSearchParams({ ruleId: alert.ruleId, key: alert.key })}`;

/** The request body: matchers without blanks, the end from the duration or the end time (local → ISO). */
export function bodyOf(form: SilenceFormState, now: number): SilenceInput {
  const matchers: Record<string, string> = {};
  for (const field of SILENCE_MATCHER_FIELDS) {
    const value = form.matchers[field].trim();
    if (value !== '') matchers[field] = value;
  }
  const end = form.durationMs !== null ? now + form.durationMs : Date.parse(form.endsAt);
  return {
    matchers: matchers as SilenceMatchers,
    endsAt: Number.isFinite(end) ? new Date(end).toISOString() : form.endsAt,
    comment: form.comment.trim(),
  };
}

const FIELD_WORDS: Record<string, string> = {
  '/matchers': 'Matchers',
  '/endsAt': 'End',
  '/startsAt': 'Start',
  '/comment': 'Comment',
};

/** What the gateway would refuse, as lines for the form (empty when the body is valid). */
export function formProblems(form: SilenceFormState, now: number): string[] {
  const result = validateSilenceInput(bodyOf(form, now), now);
  if (result.ok) return [];
  return result.problems.map((p) => {
    const matcher = /^\/matchers\/(\w+)$/.exec(p.field)?.[1] as SilenceMatcherField | undefined;
    const where = matcher ? (MATCHER_LABELS[matcher] ?? matcher) : (FIELD_WORDS[p.field] ?? p.field);
    return `${where}: ${p.reason}`;
  });
}

/** The matchers as one line, e.g. `ruleId=metrics.latency-high, key=host=web-1`. */
export const matcherText = (matchers: SilenceMatchers): string =>
  SILENCE_MATCHER_FIELDS.filter((f) => matchers[f] !== undefined)
    .map((f) => `${f}=${matchers[f]}`)
    .join(', ');
