import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';

// Same rule as autovacuum's defaults (threshold 50, scale factor 0.1), with a larger floor: re-analyze once
// the rows inserted since the last ANALYZE reach 10% of the table.
const MIN_ROWS_BETWEEN = 1000;
const GROWTH_FACTOR = 0.1;

/**
 * PGlite runs no autovacuum, so without this the planner never gets statistics (not even the filter
 * statistics of migration 0001) and plans every query from default guesses. Analyzes once now and then
 * after enough inserts; returns the hook the store calls with each insert's count of new rows.
 */
export async function startPgliteAnalyze(
  client: PGlite,
  logger: Logger,
): Promise<(inserted: number) => Promise<void>> {
  let pending = 0;
  let threshold = MIN_ROWS_BETWEEN;
  const analyze = async () => {
    const started = Date.now();
    try {
      await client.exec('ANALYZE alerts');
      const { rows } = await client.query<{ n: number }>(
        "SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'alerts'::regclass",
      );
      threshold = Math.max(MIN_ROWS_BETWEEN, (rows[0]?.n ?? 0) * GROWTH_FACTOR);
      logger.debug({ ms: Date.now() - started, nextAfterRows: threshold }, 'alerts analyzed');
    } catch (err) {
      // Statistics only steer plans; the data is safe, so a failed ANALYZE must not fail the insert.
      logger.warn({ err }, 'ANALYZE failed; query plans use stale statistics');
    }
  };
  await analyze();
  return async (inserted) => {
    pending += inserted;
    if (pending < threshold) return;
    pending = 0;
    await analyze();
  };
}
