import { type TObject, Type } from '@sinclair/typebox';
import { AlertSchema } from '@vigil/core';
import { BACKTEST_LISTED, RULE_CHANGES, RULE_SCHEMAS } from '@vigil/core/rules';

// Bodies of the rules routes (gateway/README.md, "HTTP: rules"), as TypeBox: in /api/openapi.json and
// checked against real answers by openapi.test.ts.

const enumOf = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const iso = (description: string) => Type.String({ format: 'date-time', description });

const META = {
  version: Type.Integer({ minimum: 1, description: 'The version in force (1 for a rule from a file).' }),
  updatedBy: Type.String({ description: 'Who made that version: a username, `token:<name>` or `system`.' }),
  updatedAt: iso('When that version was made.'),
};

/** A rule in force: its fields with defaults filled in (as GET /api/rules always gave them) and its version. */
export const RuleItemSchema = Type.Union(
  Object.values(RULE_SCHEMAS).map((schema) =>
    Type.Object({ ...(schema as TObject).properties, ...META }, { additionalProperties: false }),
  ),
  { description: 'A rule (processor/RULES.md), defaults filled in, with version, updatedBy and updatedAt.' },
);

export const RuleListSchema = Type.Object({
  items: Type.Array(RuleItemSchema, { description: 'The rules in force, by id, disabled ones included.' }),
});

export const RuleBodySchema = Type.Union(Object.values(RULE_SCHEMAS), {
  description:
    'One rule in the rules file format (processor/RULES.md). `id` may be left out (the path names it); ' +
    'the read-only `version`, `updatedBy` and `updatedAt` of a GET are ignored.',
});

export const RuleChangeSchema = Type.Object({
  outcome: enumOf(['created', 'replaced', 'restored', 'unchanged', 'enabled', 'disabled'] as const),
  rule: RuleItemSchema,
});

export const EnabledBodySchema = Type.Object({ enabled: Type.Boolean() }, { additionalProperties: false });

export const RuleVersionsSchema = Type.Object({
  items: Type.Array(
    Type.Object({
      ruleId: Type.String(),
      version: Type.Integer({ minimum: 1 }),
      rule: Type.Record(Type.String(), Type.Unknown(), { description: 'The rule as given (file format).' }),
      change: enumOf(RULE_CHANGES),
      changedBy: Type.String(),
      changedAt: iso('When.'),
    }),
    { description: 'Every version, newest first.' },
  ),
});

export const RulesFileSchema = Type.Object(
  {
    version: Type.Literal(1),
    rules: Type.Array(Type.Record(Type.String(), Type.Unknown()), {
      description: 'The rules as given, in the rules file format (processor/RULES.md), by id.',
    }),
  },
  { description: 'A whole rule set: the RULES_FILE format.' },
);

const ids = (description: string) => Type.Array(Type.String(), { description });
export const ImportResultSchema = Type.Object({
  added: ids('In the file, not in force.'),
  changed: ids('In both, different.'),
  removed: ids('In force, not in the file: deleted by an import.'),
  unchanged: ids('In both, the same rule.'),
  applied: Type.Boolean({ description: 'False for a dry run: nothing was written.' }),
});

export const BacktestBodySchema = Type.Object(
  {
    rule: Type.Unknown({ description: 'The rule to test (new or changed), in the rules file format.' }),
    from: iso('Start of the event-time range (inclusive).'),
    to: iso('End of the event-time range (exclusive).'),
  },
  { additionalProperties: false },
);

const list = (description: string) =>
  Type.Object(
    {
      count: Type.Integer({ minimum: 0 }),
      items: Type.Array(AlertSchema, { description: `The first ${BACKTEST_LISTED}, oldest first.` }),
    },
    { description },
  );

export const BacktestResultSchema = Type.Object({
  rule: Type.Object({ id: Type.String(), version: Type.Union([Type.Integer(), Type.Null()]) }),
  range: Type.Object({ from: iso('from'), to: iso('to') }),
  folding: Type.Literal('episodes'),
  replay: Type.Object(
    {
      events: Type.Integer(),
      warmupEvents: Type.Integer(),
      invalidLines: Type.Integer(),
      lateEvents: Type.Integer(),
      objects: Type.Integer(),
      missingObjects: Type.Integer(),
      firings: Type.Integer(),
      durationMs: Type.Integer(),
      eventsPerSecond: Type.Integer(),
    },
    { description: 'What the replay read and how fast.' },
  ),
  stopped: Type.Union([
    Type.Object({
      reason: enumOf(['maxEvents', 'maxWallMs', 'maxFirings', 'cancelled'] as const),
      limit: Type.Union([Type.Integer(), Type.Null()]),
    }),
    Type.Null(),
  ]),
  wouldRaise: list('Episodes the tested rule would have opened.'),
  raised: Type.Object({
    count: Type.Integer({ minimum: 0 }),
    items: Type.Array(AlertSchema),
    ruleVersion: Type.Union([Type.Integer(), Type.Null()]),
    truncated: Type.Boolean(),
  }),
  diff: Type.Object({
    added: list('Would have been raised, was not.'),
    removed: list('Was raised, would not have been.'),
    unchanged: list('Both (as the tested rule has it).'),
  }),
});
