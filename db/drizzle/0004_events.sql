CREATE TABLE "events" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"partition" integer NOT NULL,
	"offset" bigint NOT NULL,
	"service" text,
	"host" text,
	"user_id" text,
	"ip" text,
	"level" text,
	"action" text,
	"message" text,
	"cpu" double precision,
	"memory" double precision,
	"latency_ms" double precision,
	"error_rate" double precision,
	"event" jsonb NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(message, ''))) STORED NOT NULL,
	CONSTRAINT "events_source_check" CHECK ("events"."source" in ('logs', 'metrics', 'transactions', 'security'))
);
--> statement-breakpoint
CREATE INDEX "events_ts_id_idx" ON "events" USING btree ("ts" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "events_source_ts_idx" ON "events" USING btree ("source","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "events_service_ts_idx" ON "events" USING btree ("service","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "events_host_ts_idx" ON "events" USING btree ("host","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "events_user_id_ts_idx" ON "events" USING btree ("user_id","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "events_ip_ts_idx" ON "events" USING btree ("ip","ts" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "events_search_idx" ON "events" USING gin ("search");