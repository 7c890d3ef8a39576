CREATE TABLE "alerts" (
	"id" text PRIMARY KEY NOT NULL,
	"rule_id" text NOT NULL,
	"severity" text NOT NULL,
	"source" text NOT NULL,
	"title" text NOT NULL,
	"message" text NOT NULL,
	"service" text,
	"user_id" text,
	"key" text NOT NULL,
	"value" double precision NOT NULL,
	"threshold" double precision,
	"event_time" timestamp with time zone NOT NULL,
	"detected_at" timestamp with time zone NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"window_start" timestamp with time zone,
	"window_end" timestamp with time zone,
	"ingested_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"evidence" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', title || ' ' || message)) STORED NOT NULL,
	CONSTRAINT "alerts_severity_check" CHECK ("alerts"."severity" in ('info', 'low', 'medium', 'high', 'critical')),
	CONSTRAINT "alerts_source_check" CHECK ("alerts"."source" in ('logs', 'metrics', 'transactions', 'security')),
	CONSTRAINT "alerts_status_check" CHECK ("alerts"."status" in ('open', 'acknowledged', 'resolved'))
);
--> statement-breakpoint
CREATE INDEX "alerts_detected_at_id_idx" ON "alerts" USING btree ("detected_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_severity_detected_at_idx" ON "alerts" USING btree ("severity","detected_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_source_detected_at_idx" ON "alerts" USING btree ("source","detected_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_service_detected_at_idx" ON "alerts" USING btree ("service","detected_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_rule_id_detected_at_idx" ON "alerts" USING btree ("rule_id","detected_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_user_id_detected_at_idx" ON "alerts" USING btree ("user_id","detected_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_status_detected_at_idx" ON "alerts" USING btree ("status","detected_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "alerts_search_idx" ON "alerts" USING gin ("search");