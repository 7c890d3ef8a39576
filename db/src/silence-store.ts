import { randomUUID } from 'node:crypto';
import {
  DEFAULT_SILENCE_PAGE,
  MAX_SILENCE_PAGE,
  MAX_SILENCE_PREVIEW,
  SILENCE_PREVIEW_WINDOW_MS,
  type SilenceMatchers,
  ValidationError,
  type ValidSilence,
  validateSilenceInput,
} from '@vigil/core';
import { and, count, desc, eq, gte, lte, ne, or, type SQL } from 'drizzle-orm';
import { scopeConditions } from './alert-filters.ts';
import { checkActor } from './alert-lifecycle.ts';
import { alertColumns, fromRow } from './alert-row.ts';
import type { VigilDatabase } from './database.ts';
import { guardOutage } from './db-errors.ts';
import { isLookupKey } from './identity-input.ts';
import { afterCursor, keysetPage } from './keyset.ts';
import { alerts, silences } from './schema.ts';
import { applySilence, liftSilence } from './silence-effects.ts';
import { alertMatches, silenceOf, stateCondition } from './silence-rows.ts';
import type { SilenceStore } from './silence-store-port.ts';

export interface SilenceStoreOptions {
  db: VigilDatabase;
  /** Named in UnavailableError messages; never a URL with a password. */
  target?: string;
}

function checkLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new ValidationError(`limit must be an integer from 1 to ${max}`, { details: { limit } });
  }
  return limit;
}

/** The store re-checks what the gateway validated: a caller that skipped it must not store junk. */
function checkInput(input: ValidSilence, now: number): ValidSilence {
  const result = validateSilenceInput(input, now);
  if (result.ok) return result.value;
  const [first] = result.problems;
  throw new ValidationError(`silence: ${first?.field} ${first?.reason}`, {
    details: { field: first?.field, reason: first?.reason, problems: result.problems },
  });
}

function checkMatchers(matchers: SilenceMatchers, now: number): SilenceMatchers {
  // The same checks as a full body, with a placeholder end and comment.
  const endsAt = new Date(now + 1).toISOString();
  return checkInput({ matchers, startsAt: new Date(now).toISOString(), endsAt, comment: '-' }, now).matchers;
}

/** Silences over Drizzle; the same code serves node-postgres and PGlite. */
export function createSilenceStore(options: SilenceStoreOptions): SilenceStore {
  const { db } = options;
  const target = options.target ?? 'the database';
  const guard = <T>(what: string, run: () => Promise<T>) => guardOutage(what, target, run);

  return {
    create: async (input, actorName, now) => {
      const valid = checkInput(input, now);
      const actor = checkActor(actorName);
      return guard('create silence', () =>
        db.transaction(async (tx) => {
          const at = new Date(now);
          const [row] = await tx
            .insert(silences)
            .values({
              id: randomUUID(),
              ruleId: valid.matchers.ruleId ?? null,
              severity: valid.matchers.severity ?? null,
              source: valid.matchers.source ?? null,
              service: valid.matchers.service ?? null,
              key: valid.matchers.key ?? null,
              userId: valid.matchers.userId ?? null,
              startsAt: new Date(valid.startsAt),
              endsAt: new Date(valid.endsAt),
              comment: valid.comment,
              createdBy: actor,
              createdAt: at,
            })
            .returning();
          const silence = row!;
          const changed = silence.startsAt <= at ? await applySilence(tx, silence, at) : [];
          return { silence: silenceOf(silence, now), changed };
        }),
      );
    },

    list: async (query) => {
      const limit = checkLimit(query.limit, DEFAULT_SILENCE_PAGE, MAX_SILENCE_PAGE);
      const conditions: SQL[] = [];
      if (query.state) conditions.push(stateCondition(query.state, query.now));
      if (query.cursor !== undefined)
        conditions.push(afterCursor(silences.createdAt, silences.id, query.cursor));
      return guard('list silences', async () => {
        const rows = await db
          .select()
          .from(silences)
          .where(and(...conditions))
          .orderBy(desc(silences.createdAt), desc(silences.id))
          .limit(limit + 1);
        return keysetPage(
          rows,
          limit,
          (row) => ({ detectedAt: row.createdAt, id: row.id }),
          (row) => silenceOf(row, query.now),
        );
      });
    },

    get: async (id, now) => {
      if (!isLookupKey(id)) return null;
      return guard('get silence', async () => {
        const [row] = await db.select().from(silences).where(eq(silences.id, id)).limit(1);
        return row ? silenceOf(row, now) : null;
      });
    },

    expire: async (id, actorName, now) => {
      const actor = checkActor(actorName);
      if (!isLookupKey(id)) return null;
      return guard('expire silence', () =>
        db.transaction(async (tx) => {
          const at = new Date(now);
          const [row] = await tx.select().from(silences).where(eq(silences.id, id)).for('update');
          if (!row) return null;
          if (row.endsAt <= at)
            return { silence: silenceOf(row, now), outcome: 'already_expired' as const, changed: [] };
          const startsAt = row.startsAt < at ? row.startsAt : new Date(now - 1);
          const [expired] = await tx
            .update(silences)
            .set({ endsAt: at, startsAt, expiredBy: actor })
            .where(eq(silences.id, id))
            .returning();
          const changed = await liftSilence(tx, expired!, actor, at);
          return { silence: silenceOf(expired!, now), outcome: 'expired' as const, changed };
        }),
      );
    },

    preview: async (matchers, previewOptions) => {
      const { now } = previewOptions;
      const checked = checkMatchers(matchers, now);
      const limit = checkLimit(previewOptions.limit, MAX_SILENCE_PREVIEW, MAX_SILENCE_PREVIEW);
      const since = new Date(now - SILENCE_PREVIEW_WINDOW_MS);
      const where = and(
        alertMatches(checked),
        lte(alerts.detectedAt, new Date(now)),
        // Open at some moment of the window: detected in it, resolved in it, or not resolved yet.
        or(gte(alerts.detectedAt, since), gte(alerts.resolvedAt, since), ne(alerts.status, 'resolved')),
        ...scopeConditions(previewOptions.scope),
      );
      return guard('preview silence', async () => {
        const rows = await db
          .select(alertColumns)
          .from(alerts)
          .where(where)
          .orderBy(desc(alerts.detectedAt), desc(alerts.id))
          .limit(limit);
        const [total] = await db.select({ n: count() }).from(alerts).where(where);
        return { items: rows.map(fromRow), total: total?.n ?? rows.length };
      });
    },
  };
}
