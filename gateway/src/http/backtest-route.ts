import { type Archive, UnavailableError, ValidationError } from '@vigil/core';
import { type BacktestResult, parseRule, type Rule } from '@vigil/core/rules';
import { type BacktestLimits, backtestAnswer, replayRule } from '@vigil/processor';
import type { Logger } from 'pino';
import { NoQueryParams } from './api-params.ts';
import { ErrorSchema, UNAVAILABLE_RESPONSE } from './api-schemas.ts';
import { HttpError } from './http-errors.ts';
import type { HttpResponse, ResponseStream } from './http-types.ts';
import { json } from './json-response.ts';
import { parseJsonBody } from './parse-json-body.ts';
import { defineRoute, type Route } from './route.ts';
import { BacktestBodySchema, BacktestResultSchema } from './rule-schemas.ts';
import type { HttpRuleStore } from './rules-routes.ts';

/** Longest range one backtest may ask for: a week of archive, well past the 24 h the dashboard asks for. */
export const MAX_BACKTEST_RANGE_MS = 7 * 86_400_000;
/** Backtests one gateway runs at once: each holds a core while it replays. */
export const MAX_CONCURRENT_BACKTESTS = 2;
/** Episodes of the rule in force read at most for the comparison (reported as `raised.truncated`). */
export const MAX_RAISED = 10_000;
const NDJSON = 'application/x-ndjson';

export interface BacktestRouteOptions {
  rules: Pick<HttpRuleStore, 'get' | 'raisedAlerts'>;
  /** The raw-event archive; without it the route answers 503. */
  archive?: Pick<Archive, 'get' | 'list'>;
  logger: Logger;
  limits?: Partial<BacktestLimits>;
}

interface BacktestRequest {
  rule: Rule;
  from: number;
  to: number;
}

const instant = (value: unknown, field: 'from' | 'to'): number => {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new ValidationError(`${field} must be an ISO 8601 instant`, {
      details: { parameter: 'body', problems: [{ field, reason: 'expected an ISO 8601 instant' }] },
    });
  }
  return ms;
};

function parseBody(body: Buffer): BacktestRequest {
  const value = parseJsonBody(body);
  const input = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const extra = Object.keys(input).filter((k) => !['rule', 'from', 'to'].includes(k));
  if (extra.length > 0 || input.rule === undefined) {
    throw new ValidationError('body must be {"rule": {...}, "from": ISO, "to": ISO}', {
      details: { parameter: 'body', problems: extra.map((field) => ({ field, reason: 'not a field' })) },
    });
  }
  const from = instant(input.from, 'from');
  const to = instant(input.to, 'to');
  if (to <= from || to - from > MAX_BACKTEST_RANGE_MS) {
    throw new ValidationError(`to must be after from, at most ${MAX_BACKTEST_RANGE_MS / 86_400_000} days`, {
      details: { parameter: 'body', problems: [{ field: 'to', reason: 'outside (from, from + 7 days]' }] },
    });
  }
  let rule: Rule;
  try {
    rule = parseRule(input.rule);
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    const { problems } = err.details as { problems: { field: string; reason: string }[] };
    throw new ValidationError(err.message, {
      cause: err,
      details: { parameter: 'body', problems: problems.map((p) => ({ ...p, field: `rule.${p.field}` })) },
    });
  }
  return { rule, from, to };
}

/** `POST /api/rules/backtest` (gateway/README.md, "HTTP: rules"; processor/RULES.md, "Backtest"). */
export function backtestRoute(options: BacktestRouteOptions): Route {
  const { rules, archive, logger } = options;
  let running = 0;

  async function run(input: BacktestRequest, signal: AbortSignal, onProgress?: (line: string) => void) {
    if (!archive) throw new UnavailableError('no archive: backtests need the raw-event archive');
    const replay = await replayRule({
      archive,
      rule: input.rule,
      from: input.from,
      to: input.to,
      signal,
      limits: options.limits,
      onProgress: onProgress && ((p) => onProgress(JSON.stringify({ type: 'progress', ...p }))),
    });
    const stored = await rules.get(input.rule.id);
    const raised = stored
      ? await rules.raisedAlerts({
          ruleId: input.rule.id,
          from: new Date(input.from),
          to: new Date(input.to),
          ruleVersion: stored.version,
          limit: MAX_RAISED + 1,
        })
      : [];
    const result: BacktestResult = backtestAnswer({
      ruleId: input.rule.id,
      from: input.from,
      to: input.to,
      replay,
      current: stored
        ? {
            version: stored.version,
            raised: raised.slice(0, MAX_RAISED),
            truncated: raised.length > MAX_RAISED,
          }
        : null,
    });
    logger.info(
      { ruleId: input.rule.id, ...replay.stats, stopped: replay.stopped?.reason ?? null },
      'backtest finished',
    );
    return result;
  }

  /** NDJSON: progress lines while it runs, then the result (or the error) line; closing the connection aborts. */
  function streamed(input: BacktestRequest): HttpResponse {
    return {
      status: 200,
      headers: { 'content-type': NDJSON, 'cache-control': 'no-store', 'x-accel-buffering': 'no' },
      body: '',
      stream: (stream: ResponseStream) => {
        const controller = new AbortController();
        stream.onClose(() => controller.abort());
        const line = (text: string) => {
          if (!stream.closed) stream.write(`${text}\n`);
        };
        run(input, controller.signal, line)
          .then((result) => line(JSON.stringify({ type: 'result', ...result })))
          .catch((err: unknown) => {
            const known = err instanceof ValidationError || err instanceof UnavailableError;
            if (!known) logger.error({ err }, 'backtest failed');
            line(JSON.stringify({ type: 'error', error: known ? err.message : 'internal error' }));
          })
          .finally(() => {
            running -= 1;
            stream.end();
          });
      },
    };
  }

  return defineRoute({
    method: 'POST',
    path: '/api/rules/backtest',
    operationId: 'backtestRule',
    summary: 'What a rule would have raised over the archived events of a range',
    description: [
      'Replays the archived raw events of [from, to) of the rule’s source through a fresh rule engine holding',
      'only this rule (event time, the same windows and lateness, windows warmed up before `from`), folds the',
      'firings into episodes as the store does, and compares them by (ruleId, key, window) with the episodes',
      'the current version of that rule id opened in the range: `added`, `removed`, `unchanged`. Bounded',
      '(events, wall time, firings: `stopped` says which stopped it), at most',
      `${MAX_CONCURRENT_BACKTESTS} at a time per gateway (429), range at most 7 days. With`,
      '`Accept: application/x-ndjson` it streams progress lines, then the result line. A client that goes',
      'away cancels it. It reads only the archive: live processing is not touched.',
    ].join(' '),
    tag: 'rules',
    permission: 'admin',
    query: NoQueryParams,
    requestBody: {
      description: 'The rule to test and the range.',
      required: true,
      content: { 'application/json': BacktestBodySchema },
    },
    responses: {
      200: { description: 'The backtest (JSON, or NDJSON when asked).', schema: BacktestResultSchema },
      400: {
        description: 'Bad body: `details.problems` lists every problem (`rule.<field>` for the rule’s).',
        schema: ErrorSchema,
      },
      429: { description: 'As many backtests running as this gateway allows.', schema: ErrorSchema },
      503: UNAVAILABLE_RESPONSE,
    },
    async handle({ request }) {
      const input = parseBody(request.body);
      if (!archive) throw new UnavailableError('no archive: backtests need the raw-event archive');
      if (running >= MAX_CONCURRENT_BACKTESTS) {
        throw new HttpError(429, 'as many backtests are running as this gateway allows; retry later', {
          details: { limit: MAX_CONCURRENT_BACKTESTS },
          headers: { 'retry-after': '5' },
        });
      }
      running += 1;
      if ((request.headers.accept ?? '').includes(NDJSON)) return streamed(input);
      try {
        const controller = new AbortController();
        request.signal?.addEventListener('abort', () => controller.abort(), { once: true });
        return json(200, await run(input, controller.signal));
      } finally {
        running -= 1;
      }
    },
  });
}
