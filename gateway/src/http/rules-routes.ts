import { Type } from '@sinclair/typebox';
import { ValidationError } from '@vigil/core';
import { isRuleId, parseRule, RULE_ID_PATTERN, type StoredRule } from '@vigil/core/rules';
import type { RuleStore } from '@vigil/db';
import { NoQueryParams } from './api-params.ts';
import { ErrorSchema, UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import { HttpError } from './http-errors.ts';
import { jsonBodyParser } from './json-body.ts';
import { json } from './json-response.ts';
import { actorOf } from './lifecycle-routes.ts';
import { parseJsonBody } from './parse-json-body.ts';
import { defineRoute, type Route } from './route.ts';
import {
  EnabledBodySchema,
  ImportResultSchema,
  RuleBodySchema,
  RuleChangeSchema,
  RuleItemSchema,
  RuleListSchema,
  RulesFileSchema,
  RuleVersionsSchema,
} from './rule-schemas.ts';

/** The part of @vigil/db's RuleStore the rules routes use. */
export type HttpRuleStore = Pick<
  RuleStore,
  'list' | 'get' | 'put' | 'setEnabled' | 'delete' | 'versions' | 'exportAll' | 'importSet' | 'raisedAlerts'
>;

/** Fields a GET answers beside the rule's own; a PUT of what a GET gave ignores them. */
const READ_ONLY = ['version', 'updatedBy', 'updatedAt'] as const;

const idParam = {
  id: { description: `The rule id (${RULE_ID_PATTERN.source}).`, schema: Type.String() },
};
const jsonRequest = (description: string, schema: Parameters<typeof Type.Object>[0] | object) => ({
  description,
  required: true,
  content: { 'application/json': schema as never },
});
const notFound = { description: 'No rule in force has this id.', schema: ErrorSchema };
const badRule = {
  description:
    'The rule is invalid: `details.problems` lists every problem as `{field, reason}`, with the hints of ' +
    'the rules file parser ("did you mean …").',
  schema: ErrorSchema,
};
const parseEnabled = jsonBodyParser(EnabledBodySchema, '{"enabled": true | false}');

/** A rule in force as the routes answer it: its fields with defaults filled in, and its version. */
export function ruleItem(stored: StoredRule): Record<string, unknown> {
  let rule: Record<string, unknown>;
  try {
    rule = { ...parseRule(stored.rule) };
  } catch {
    // Stored under an older, laxer parser: shown as stored rather than not at all (loadInForce names it).
    rule = { ...stored.rule };
  }
  return {
    ...rule,
    enabled: stored.enabled,
    version: stored.version,
    updatedBy: stored.updatedBy,
    updatedAt: stored.updatedAt,
  };
}

function ruleIdOf(params: Record<string, string>): string {
  const id = params.id ?? '';
  const shown = id.slice(0, 200);
  if (isRuleId(id)) return id;
  throw new ValidationError(`id must match ${RULE_ID_PATTERN.source}`, {
    details: { parameter: 'id', value: shown },
  });
}

/** The store's (and parser's) refusal of a rule, as a 400 naming the body. */
async function asBodyProblem<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const details = err.details as { problems?: unknown } | unknown[] | undefined;
    const problems = Array.isArray(details) ? details : (details?.problems ?? []);
    throw new ValidationError(err.message, { cause: err, details: { parameter: 'body', problems } });
  }
}

/** The body of a PUT: a rule object whose id, when given, is the path's (and filled in when not). */
function putBody(body: Buffer, id: string): Record<string, unknown> {
  const value = parseJsonBody(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError('body must be one rule object (processor/RULES.md)', {
      details: { parameter: 'body', problems: [{ field: '', reason: 'expected a rule object' }] },
    });
  }
  const rule: Record<string, unknown> = { ...value };
  for (const field of READ_ONLY) delete rule[field];
  if (rule.id === undefined) rule.id = id;
  if (rule.id !== id) {
    throw new ValidationError('the body names another rule than the path', {
      details: { parameter: 'body', problems: [{ field: 'id', reason: `expected "${id}" (the path's id)` }] },
    });
  }
  return rule;
}

export interface RuleRoutesOptions {
  rules: HttpRuleStore;
  now: () => number;
}

/** `/api/rules` and `/api/rules/{id}…`: rules as a managed resource (gateway/README.md, "HTTP: rules"). */
export function ruleRoutes({ rules, now }: RuleRoutesOptions): Route[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/api/rules',
      operationId: 'listRules',
      summary: 'The rules in force',
      description:
        'Every rule in force (disabled ones included) with its defaults filled in, as before, and its ' +
        '`version`, `updatedBy` and `updatedAt`.',
      tag: 'rules',
      permission: 'viewer',
      query: NoQueryParams,
      responses: { 200: { description: 'The rules.', schema: RuleListSchema }, 503: UNAVAILABLE_RESPONSE },
      async handle() {
        return json(200, { items: (await rules.list()).map(ruleItem) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/rules/{id}',
      operationId: 'getRule',
      summary: 'One rule in force',
      tag: 'rules',
      permission: 'viewer',
      pathParams: idParam,
      query: NoQueryParams,
      responses: {
        200: { description: 'The rule.', schema: RuleItemSchema },
        404: notFound,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params }) {
        const id = ruleIdOf(params);
        const stored = await rules.get(id);
        if (!stored) throw new HttpError(404, `no rule ${id}`, { details: { id } });
        return json(200, ruleItem(stored));
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/api/rules/{id}',
      operationId: 'putRule',
      summary: 'Create or replace a rule',
      description:
        'The body is one rule in the rules file format; its `id` must be the path’s or left out. The same ' +
        'rule as in force (key order and written-out defaults aside) makes no version (`unchanged`); the same ' +
        'rule as an earlier version is `restored` (restore a version by PUTting its `rule`). Processors put ' +
        'it in force within about a second, without a restart. Audited (`rule.put`).',
      tag: 'rules',
      permission: 'admin',
      pathParams: idParam,
      query: NoQueryParams,
      requestBody: jsonRequest('The rule.', RuleBodySchema),
      responses: {
        200: { description: 'Replaced, restored or unchanged.', schema: RuleChangeSchema },
        201: { description: 'Created.', schema: RuleChangeSchema },
        400: badRule,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, request, principal, audit }) {
        const id = ruleIdOf(params);
        const rule = putBody(request.body, id);
        const result = await asBodyProblem(() => rules.put(rule, { actor: actorOf(principal), now: now() }));
        if (result.outcome !== 'unchanged') {
          await audit({
            action: 'rule.put',
            target: { type: 'rule', id },
            after: { outcome: result.outcome, version: result.stored.version, rule: result.stored.rule },
          });
        }
        const status = result.outcome === 'created' ? 201 : 200;
        return json(status, { outcome: result.outcome, rule: ruleItem(result.stored) });
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/api/rules/{id}',
      operationId: 'setRuleEnabled',
      summary: 'Enable or disable a rule',
      description: 'A new version with `enabled` set; already so: `unchanged`. Audited (`rule.enable`).',
      tag: 'rules',
      permission: 'admin',
      pathParams: idParam,
      query: NoQueryParams,
      requestBody: jsonRequest('Whether the rule runs.', EnabledBodySchema),
      responses: {
        200: { description: 'The rule as it now is.', schema: RuleChangeSchema },
        404: notFound,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, request, principal, audit }) {
        const id = ruleIdOf(params);
        const { enabled } = parseEnabled(request.body);
        const result = await rules.setEnabled(id, enabled, { actor: actorOf(principal), now: now() });
        if (!result) throw new HttpError(404, `no rule ${id}`, { details: { id } });
        if (result.outcome !== 'unchanged') {
          await audit({
            action: 'rule.enable',
            target: { type: 'rule', id },
            before: { enabled: !enabled },
            after: { enabled, version: result.stored.version },
          });
        }
        return json(200, { outcome: result.outcome, rule: ruleItem(result.stored) });
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/api/rules/{id}',
      operationId: 'deleteRule',
      summary: 'Delete a rule',
      description:
        'Takes the rule out of force; its versions stay (the last one `deleted`), and a PUT brings it back ' +
        'with the next version number. Audited (`rule.delete`).',
      tag: 'rules',
      permission: 'admin',
      pathParams: idParam,
      query: NoQueryParams,
      responses: {
        200: { description: 'The rule as it was.', schema: Type.Object({ rule: RuleItemSchema }) },
        404: notFound,
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params, principal, audit }) {
        const id = ruleIdOf(params);
        const was = await rules.delete(id, { actor: actorOf(principal), now: now() });
        if (!was) throw new HttpError(404, `no rule ${id}`, { details: { id } });
        await audit({
          action: 'rule.delete',
          target: { type: 'rule', id },
          before: { version: was.version },
        });
        return json(200, { rule: ruleItem(was) });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/rules/{id}/versions',
      operationId: 'listRuleVersions',
      summary: 'Every version of a rule, with who changed it and when',
      description: 'Newest first; a deleted rule keeps its history. 404 when the id never existed.',
      tag: 'rules',
      permission: 'viewer',
      pathParams: idParam,
      query: NoQueryParams,
      responses: {
        200: { description: 'The versions.', schema: RuleVersionsSchema },
        404: { description: 'No rule ever had this id.', schema: ErrorSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ params }) {
        const id = ruleIdOf(params);
        const items = await rules.versions(id);
        if (items.length === 0) throw new HttpError(404, `no rule ${id} ever`, { details: { id } });
        return json(200, { items });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/api/rules/export',
      operationId: 'exportRules',
      summary: 'The whole rule set as one rules file',
      description:
        'An extension of the DESIGN contract: the rules in force as given, in the RULES_FILE format (keep it ' +
        'in git; apply it with POST /api/rules/import).',
      tag: 'rules',
      permission: 'viewer',
      query: NoQueryParams,
      responses: {
        200: { description: 'The rules file.', schema: RulesFileSchema },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle() {
        return json(200, await rules.exportAll());
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/api/rules/import',
      operationId: 'importRules',
      summary: 'Make a rules file the whole rule set (or see what that would change)',
      description:
        'An extension of the DESIGN contract. The body is a rules file, validated as RULES_FILE is (every ' +
        'problem listed). The answer diffs it by id against what is in force: `added`, `changed`, ' +
        '`removed` (in force, not in the file: deleted) and `unchanged`. `dryRun=true` writes nothing; ' +
        '`dryRun=false` applies it in one transaction. Audited (`rule.import`) when applied.',
      tag: 'rules',
      permission: 'admin',
      query: Type.Object({
        dryRun: Type.Union([Type.Literal('true'), Type.Literal('false')], {
          description: 'Required: `true` only computes the diff.',
        }),
      }),
      requestBody: jsonRequest('The rules file.', RulesFileSchema),
      responses: {
        200: { description: 'The diff, and whether it was applied.', schema: ImportResultSchema },
        400: {
          description: 'The file is invalid: `details.problems` lists every problem.',
          schema: ErrorSchema,
        },
        503: UNAVAILABLE_RESPONSE,
      },
      async handle({ request, query, principal, audit }) {
        const file = parseJsonBody(request.body);
        const dryRun = query.dryRun === 'true';
        const result = await asBodyProblem(() =>
          rules.importSet(file, { actor: actorOf(principal), now: now(), dryRun }),
        );
        if (result.applied) {
          const { applied: _, ...diff } = result;
          await audit({ action: 'rule.import', target: { type: 'rules', id: null }, after: diff });
        }
        return json(200, result);
      },
    }),
  ];
}
