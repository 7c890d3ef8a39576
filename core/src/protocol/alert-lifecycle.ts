import { type Static, Type } from '@sinclair/typebox';
import { ALERT_STATUSES, AlertSchema } from '../alerts/alert.ts';
import { literals } from '../schema/literals.ts';

// The alert lifecycle's REST bodies (DESIGN "REST API", lifecycle row; gateway/README.md "Alert lifecycle"),
// defined once: the gateway validates and documents them, the store and the dashboard use their types.

/**
 * What a person did to an alert, as the activity trail records it. `unsilenced` (a silence stopped applying:
 * expired by hand or ended) extends DESIGN's list; gateway/README.md "HTTP: silences" documents it.
 */
export const RECORDED_ACTIONS = [
  'acknowledged',
  'resolved',
  'reopened',
  'commented',
  'silenced',
  'unsilenced',
  'notified',
] as const;
export type RecordedAction = (typeof RECORDED_ACTIONS)[number];

/** Every action of the trail: the recorded ones and those derived from the alert and its firings. */
export const ACTIVITY_ACTIONS = ['opened', 'fired', ...RECORDED_ACTIONS] as const;
export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number];

/** Longest note (comment or status change), in UTF-16 code units: a paragraph, not a pasted log file. */
export const MAX_NOTE_LENGTH = 2_000;
/** Most ids one bulk change takes: the largest page of `GET /api/alerts`, changed in one transaction. */
export const MAX_BULK_IDS = 500;
/** Most activity entries one page holds. */
export const MAX_ACTIVITY_PAGE = 200;
/** Activity page size when none is asked for. */
export const DEFAULT_ACTIVITY_PAGE = 50;

const note = Type.String({
  minLength: 1,
  maxLength: MAX_NOTE_LENGTH,
  description: `Free text, 1–${MAX_NOTE_LENGTH} characters.`,
});

/** One entry of an alert's activity trail. */
export const ActivityEntrySchema = Type.Object({
  at: Type.String({ format: 'date-time' }),
  actor: Type.String({
    description:
      'The username of a person, `token:<token name>` for an API token, `system` for the processor (opened, fired, auto-resolved).',
  }),
  action: literals(ACTIVITY_ACTIONS),
  note: Type.Optional(Type.String()),
});
export type ActivityEntry = Static<typeof ActivityEntrySchema>;

/** GET /api/alerts/{id}/activity. */
export const ActivityPageSchema = Type.Object({
  items: Type.Array(ActivityEntrySchema, { description: 'Newest first.' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `cursor`; null on the last page.',
  }),
});
export type ActivityPage = Static<typeof ActivityPageSchema>;

/** PATCH /api/alerts/{id}. */
export const StatusChangeSchema = Type.Object(
  { status: literals(ALERT_STATUSES), note: Type.Optional(note) },
  { additionalProperties: false, description: 'The new status, and why.' },
);
export type StatusChange = Static<typeof StatusChangeSchema>;

/** POST /api/alerts/{id}/comments. */
export const CommentSchema = Type.Object(
  { note },
  { additionalProperties: false, description: 'A comment on the alert.' },
);

/** POST /api/alerts/bulk. */
export const BulkStatusChangeSchema = Type.Object(
  {
    ids: Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
      minItems: 1,
      maxItems: MAX_BULK_IDS,
      description: `1–${MAX_BULK_IDS} alert ids; a repeated id counts once.`,
    }),
    status: literals(ALERT_STATUSES),
    note: Type.Optional(note),
  },
  { additionalProperties: false, description: 'One status for many alerts.' },
);
export type BulkStatusChange = Static<typeof BulkStatusChangeSchema>;

/** What a status change did to one alert. */
export const TRANSITION_OUTCOMES = ['changed', 'unchanged', 'not_found', 'conflict'] as const;
export type TransitionOutcome = (typeof TRANSITION_OUTCOMES)[number];

/** POST /api/alerts/bulk: one result per distinct id, in the order given. */
export const BulkResultSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      ok: Type.Boolean({ description: 'True when the alert now has the status (changed or already so).' }),
      outcome: Type.Union(
        TRANSITION_OUTCOMES.map((v) => Type.Literal(v)),
        {
          description:
            '`unchanged`: it had the status already (nothing recorded); `not_found`: no such alert (or outside the token scope); `conflict`: a reopen refused while another episode of its rule and key is unresolved.',
        },
      ) as unknown as ReturnType<typeof literals<typeof TRANSITION_OUTCOMES>>,
      alert: Type.Optional(AlertSchema),
    }),
  ),
});
export type BulkResult = Static<typeof BulkResultSchema>;
