import {
  EMPTY_POLICY,
  FieldProblems,
  parsePolicy,
  type Route,
  type StoredPolicy,
  validatePolicy,
} from '@vigil/core/notifications';
import { inArray, sql } from 'drizzle-orm';
import { checkActor } from '../alert-lifecycle.ts';
import type { VigilDatabase } from '../database.ts';
import { notificationChannels, notificationPolicy } from './notification-schema.ts';

type PolicyRow = typeof notificationPolicy.$inferSelect;

const storedOf = (row: PolicyRow | undefined): StoredPolicy =>
  row
    ? {
        routes: row.routes as Route[],
        version: row.version,
        updatedAt: row.updatedAt.toISOString(),
        updatedBy: row.updatedBy,
      }
    : EMPTY_POLICY;

/** Reads the one policy row (the empty policy before the first save). */
export async function readPolicy(db: Pick<VigilDatabase, 'select'>): Promise<StoredPolicy> {
  const [row] = await db.select().from(notificationPolicy);
  return storedOf(row);
}

/** The policy: validated on save (unknown channel ids are per-field problems too), versioned. */
export function createPolicyStore(db: VigilDatabase) {
  return {
    getPolicy: () => readPolicy(db),

    async putPolicy(input: unknown, actor: string, now = Date.now()): Promise<StoredPolicy> {
      const problems = validatePolicy(input);
      if (problems.list.length === 0) {
        const routes = (input as { routes: { channels: string[] }[] }).routes;
        const ids = [...new Set(routes.flatMap((r) => r.channels))];
        const known = new Set(
          ids.length === 0
            ? []
            : (
                await db
                  .select({ id: notificationChannels.id })
                  .from(notificationChannels)
                  .where(inArray(notificationChannels.id, ids))
              ).map((r) => r.id),
        );
        const missing = new FieldProblems();
        for (const [i, route] of routes.entries())
          for (const [j, id] of route.channels.entries())
            if (!known.has(id)) missing.add(`routes[${i}].channels[${j}]`, `no channel ${id}`);
        missing.throwIfAny('notification policy');
      }
      const policy = parsePolicy(input);
      const at = new Date(now);
      const by = checkActor(actor);
      const [row] = await db
        .insert(notificationPolicy)
        .values({ id: 1, routes: policy.routes, version: 1, updatedAt: at, updatedBy: by })
        .onConflictDoUpdate({
          target: notificationPolicy.id,
          set: {
            routes: policy.routes,
            version: sql`${notificationPolicy.version} + 1`,
            updatedAt: at,
            updatedBy: by,
          },
        })
        .returning();
      return storedOf(row);
    },
  };
}
