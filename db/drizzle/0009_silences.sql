CREATE TABLE "silences" (
	"id" text PRIMARY KEY NOT NULL,
	"rule_id" text,
	"severity" text,
	"source" text,
	"service" text,
	"key" text,
	"user_id" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"comment" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expired_by" text,
	CONSTRAINT "silences_window_check" CHECK ("silences"."ends_at" > "silences"."starts_at"),
	CONSTRAINT "silences_matcher_check" CHECK (num_nonnulls("silences"."rule_id", "silences"."severity", "silences"."source", "silences"."service", "silences"."key", "silences"."user_id") > 0),
	CONSTRAINT "silences_severity_check" CHECK ("silences"."severity" in ('info', 'low', 'medium', 'high', 'critical')),
	CONSTRAINT "silences_source_check" CHECK ("silences"."source" in ('logs', 'metrics', 'transactions', 'security')),
	CONSTRAINT "silences_matcher_length_check" CHECK (greatest(char_length("silences"."rule_id"), char_length("silences"."severity"), char_length("silences"."source"), char_length("silences"."service"), char_length("silences"."key"), char_length("silences"."user_id")) <= 200),
	CONSTRAINT "silences_comment_check" CHECK (char_length("silences"."comment") between 1 and 2000),
	CONSTRAINT "silences_created_by_check" CHECK (char_length("silences"."created_by") <= 200)
);
--> statement-breakpoint
ALTER TABLE "alert_activity" DROP CONSTRAINT "alert_activity_action_check";--> statement-breakpoint
CREATE INDEX "silences_ends_at_idx" ON "silences" USING btree ("ends_at");--> statement-breakpoint
CREATE INDEX "silences_created_at_id_idx" ON "silences" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
ALTER TABLE "alert_activity" ADD CONSTRAINT "alert_activity_action_check" CHECK ("alert_activity"."action" in ('acknowledged', 'resolved', 'reopened', 'commented', 'silenced', 'unsilenced', 'notified'));