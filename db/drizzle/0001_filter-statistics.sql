-- A rule fixes its alert's severity and source, so some filter combinations match nothing
-- (severity=critical&source=logs). Assuming the columns independent, the planner then walks the whole
-- (detected_at, id) index looking for a first page that does not exist (≈ 400 ms on 1 M rows);
-- with the combinations' MCV list it sees the result is empty or tiny and uses the filter indexes instead.
CREATE STATISTICS IF NOT EXISTS "alerts_filter_stats" (mcv) ON "rule_id", "severity", "source", "status" FROM "alerts";
