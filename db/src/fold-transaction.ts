import { type Silence, silencedBy } from '@vigil/core';
import { and, eq, ne, sql } from 'drizzle-orm';
import { alertColumns, type StoredAlertRow } from './alert-row.ts';
import type { Firing } from './alert-store-port.ts';
import type { VigilDatabase } from './database.ts';
import {
  EPISODE_ROWS_PER_STATEMENT,
  episodeRow,
  FIRING_ROWS_PER_STATEMENT,
  FOLD_INTO_OPEN_EPISODE,
  type FoldState,
  groupKey,
  OPEN_EPISODE_TARGET,
  resolveDueBefore,
  resolvedBySystem,
  roundsOf,
  timeOf,
} from './episode-rows.ts';
import { arrayLiteral } from './event-insert.ts';
import { alertFirings, alerts, type NewAlertRow } from './schema.ts';
import { activeSilences } from './silence-rows.ts';

type Tx = Parameters<Parameters<VigilDatabase['transaction']>[0]>[0];

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Inserts new episodes or folds runs into the open episode of their rule and key (one row per run). */
async function upsertEpisodes(tx: Tx, rows: NewAlertRow[]) {
  return tx
    .insert(alerts)
    .values(rows)
    .onConflictDoUpdate({ ...OPEN_EPISODE_TARGET, set: FOLD_INTO_OPEN_EPISODE })
    .returning({ ...alertColumns, opened: sql<boolean>`(xmax = 0)` });
}

/**
 * An updated episode took silencedBy from the firing folded into it; where the stored episode's own fields
 * differ from the firing's (its service, user or severity from an older rule version), match on the stored
 * ones. Rare, so nothing is written unless a row differs.
 */
async function correctSilencedBy(
  tx: Tx,
  stored: (StoredAlertRow & { opened: boolean })[],
  active: readonly Silence[],
  nowMs: number,
): Promise<void> {
  const wrong = stored.flatMap((row) => {
    const expected = silencedBy(active, row, nowMs);
    const same =
      expected.length === row.silencedBy.length && expected.every((id, i) => row.silencedBy[i] === id);
    return same ? [] : [{ row, expected }];
  });
  for (const { row, expected } of wrong) {
    await tx.update(alerts).set({ silencedBy: expected }).where(eq(alerts.id, row.id));
    row.silencedBy = expected;
  }
}

/**
 * Event time: resolves the open episode of each run's rule and key whose last firing is more than its
 * resolveAfterMs before the run's first firing, so the run opens a new episode whether or not the
 * auto-resolve loop ran in between. A join on (rule_id, key), so each run costs one probe of the open-episode
 * index: an `exists` over the runs made PostgreSQL scan every unresolved episode (≈ 6 ms per fold at 10,000
 * open episodes). The runs of one call have distinct keys, so no row is matched twice.
 */
async function resolveBeforeRuns(tx: Tx, runs: Firing[][], at: Date): Promise<StoredAlertRow[]> {
  const firsts = runs.map((run) => run[0]!.alert);
  const gaps = sql`unnest(${arrayLiteral(firsts.map((a) => a.ruleId))}::text[], ${arrayLiteral(
    firsts.map((a) => a.key),
  )}::text[], ${arrayLiteral(firsts.map((a) => a.eventTime))}::timestamptz[]) as g(rule_id, key, first_at)`;
  return tx
    .update(alerts)
    .set(resolvedBySystem(at))
    .from(gaps)
    .where(
      and(
        // Qualified by hand: g's columns share the names rule_id and key.
        sql`alerts.rule_id = g.rule_id and alerts.key = g.key`,
        ne(alerts.status, 'resolved'),
        eq(alerts.takesFirings, true),
        resolveDueBefore(sql.raw('g.first_at')),
      ),
    )
    .returning(alertColumns);
}

/**
 * The general fold, in one transaction, for whatever the one-statement fold does not take (firings seen
 * before, an episode to resolve first, active silences, several runs of one key). Each firing id is recorded
 * first (ON CONFLICT DO NOTHING): the row lock makes a concurrent fold of the same firing wait and then see it
 * as a duplicate. Episodes are upserted one row per rule and key and statement, in key order, so two folds
 * lock rows in the same order and a statement never touches a row twice.
 */
export async function foldInTransaction(
  db: VigilDatabase,
  unique: ReadonlyMap<string, Firing>,
  nowMs: number,
): Promise<FoldState & { active: Silence[] }> {
  const at = new Date(nowMs);
  return db.transaction(async (tx) => {
    // One read of the active silences per fold (few rows, by the ends_at index): each episode written gets
    // the ids of those matching it now. A silence created or expired while this fold runs is set right by
    // the processor's sweep (AlertStore.refreshSilenced) at its next pass.
    const active = await activeSilences(tx, nowMs);
    const ids = [...unique.keys()].sort();
    const fresh = new Set<string>();
    for (const part of chunks(ids, FIRING_ROWS_PER_STATEMENT)) {
      const stored = await tx
        .insert(alertFirings)
        .values(part.map((id) => ({ firingId: id, eventTime: new Date(timeOf(unique.get(id)!.alert)) })))
        .onConflictDoNothing()
        .returning({ id: alertFirings.firingId });
      for (const { id } of stored) fresh.add(id);
    }

    const latest = new Map<string, StoredAlertRow>();
    const resolved: StoredAlertRow[] = [];
    const episodeOf = new Map<string, string>();
    const openedBy = new Set<string>();
    for (const runs of roundsOf([...fresh].map((id) => unique.get(id)!))) {
      for (const part of chunks(runs, EPISODE_ROWS_PER_STATEMENT)) {
        for (const row of await resolveBeforeRuns(tx, part, at)) {
          latest.set(row.id, row);
          resolved.push(row);
        }
        const stored = await upsertEpisodes(
          tx,
          part.map((run) => episodeRow(run, at, active)),
        );
        if (active.length > 0) await correctSilencedBy(tx, stored, active, nowMs);
        const byKey = new Map(stored.map(({ opened, ...row }) => [groupKey(row), { opened, row }]));
        const firingIds: string[] = [];
        const episodeIds: string[] = [];
        for (const run of part) {
          const { opened, row } = byKey.get(groupKey(run[0]!.alert))!;
          latest.set(row.id, row);
          if (opened) openedBy.add(run[0]!.alert.id);
          for (const { alert } of run) {
            episodeOf.set(alert.id, row.id);
            firingIds.push(alert.id);
            episodeIds.push(row.id);
          }
        }
        await tx.execute(sql`update ${alertFirings} set episode_id = g.episode_id
          from unnest(${arrayLiteral(firingIds)}::text[], ${arrayLiteral(episodeIds)}::text[]) as g(firing_id, episode_id)
          where ${alertFirings.firingId} = g.firing_id`);
      }
    }

    const duplicates = ids.filter((id) => !fresh.has(id));
    for (const part of chunks(duplicates, FIRING_ROWS_PER_STATEMENT)) {
      const rows = await tx
        .select({ ...alertColumns, firingId: alertFirings.firingId })
        .from(alertFirings)
        .innerJoin(alerts, eq(alerts.id, alertFirings.episodeId))
        .where(sql`${alertFirings.firingId} = any(${arrayLiteral(part)}::text[])`);
      for (const { firingId, ...row } of rows) {
        episodeOf.set(firingId, row.id);
        if (!latest.has(row.id)) latest.set(row.id, row);
      }
    }
    return { latest, resolved, episodeOf, openedBy, fresh, active };
  });
}
