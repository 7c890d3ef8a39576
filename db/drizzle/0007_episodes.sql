CREATE TABLE "alert_firings" (
	"firing_id" text PRIMARY KEY NOT NULL,
	"episode_id" text,
	"event_time" timestamp with time zone NOT NULL,
	"folded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "occurrences" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
-- Existing rows become episodes of one firing: first and last seen at their event time.
ALTER TABLE "alerts" ADD COLUMN "first_seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "last_seen_at" timestamp with time zone;--> statement-breakpoint
UPDATE "alerts" SET "first_seen_at" = "event_time", "last_seen_at" = "event_time";--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "first_seen_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ALTER COLUMN "last_seen_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "revision" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "rule_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "acknowledged_by" text;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "silenced_by" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "resolve_after_ms" integer DEFAULT 300000 NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "takes_firings" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "changed_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Their last change is when they were stored, so wall-clock auto-resolve judges them like any episode.
UPDATE "alerts" SET "changed_at" = "created_at";--> statement-breakpoint
-- Before episodes every firing was its own alert. Of the unresolved old alerts of one rule and key, the newest
-- becomes the episode that later firings fold into; the others keep their rows as they were (open, taking no
-- firings) until auto-resolve or a person resolves them.
UPDATE "alerts" AS a SET "takes_firings" = true
FROM (
  SELECT "id", row_number() OVER (PARTITION BY "rule_id", "key" ORDER BY "event_time" DESC, "id" DESC) AS "rank"
  FROM "alerts" WHERE "status" <> 'resolved'
) AS ranked
WHERE a."id" = ranked."id" AND ranked."rank" = 1;--> statement-breakpoint
ALTER TABLE "alert_firings" ADD CONSTRAINT "alert_firings_episode_id_alerts_id_fk" FOREIGN KEY ("episode_id") REFERENCES "public"."alerts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_firings_episode_id_idx" ON "alert_firings" USING btree ("episode_id");--> statement-breakpoint
-- Every old alert was one firing with that id: a redelivery of it is a duplicate, not a new episode.
INSERT INTO "alert_firings" ("firing_id", "episode_id", "event_time", "folded_at")
SELECT "id", "id", "event_time", "created_at" FROM "alerts";--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_episode_idx" ON "alerts" USING btree ("rule_id","key") WHERE "alerts"."status" <> 'resolved' and "alerts"."takes_firings";--> statement-breakpoint
CREATE INDEX "alerts_unresolved_changed_at_idx" ON "alerts" USING btree ("changed_at") WHERE "alerts"."status" <> 'resolved';