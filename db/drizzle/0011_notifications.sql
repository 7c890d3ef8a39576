CREATE TABLE "notification_attempts" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "notification_attempts_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"notification_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"status_code" integer,
	"outcome" text NOT NULL,
	"error" text,
	"owner" text NOT NULL,
	CONSTRAINT "notification_attempts_outcome_check" CHECK ("notification_attempts"."outcome" in ('sent', 'retry', 'failed', 'deferred'))
);
--> statement-breakpoint
CREATE TABLE "notification_channels" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"config" jsonb NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "notification_channels_type_check" CHECK ("notification_channels"."type" in ('webhook', 'slack', 'discord', 'email', 'pagerduty'))
);
--> statement-breakpoint
CREATE TABLE "notification_group_alerts" (
	"group_id" text NOT NULL,
	"alert_id" text NOT NULL,
	"revision" integer NOT NULL,
	"alert" jsonb NOT NULL,
	"sent" text,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "notification_group_alerts_pkey" PRIMARY KEY("group_id","alert_id"),
	CONSTRAINT "notification_group_alerts_sent_check" CHECK ("notification_group_alerts"."sent" in ('firing', 'acknowledged', 'resolved'))
);
--> statement-breakpoint
CREATE TABLE "notification_groups" (
	"id" text PRIMARY KEY NOT NULL,
	"route_index" integer NOT NULL,
	"group_key" text NOT NULL,
	"group_labels" jsonb NOT NULL,
	"channel_id" text NOT NULL,
	"settings" jsonb NOT NULL,
	"last_sent_at" timestamp with time zone,
	"next_flush_at" timestamp with time zone,
	"flush_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notification_policy" (
	"id" integer PRIMARY KEY NOT NULL,
	"routes" jsonb NOT NULL,
	"version" integer NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "notification_policy_one_row_check" CHECK ("notification_policy"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "notifications_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"channel_id" text NOT NULL,
	"channel_type" text NOT NULL,
	"group_id" text,
	"thread_key" text NOT NULL,
	"kind" text NOT NULL,
	"alert_ids" text[] NOT NULL,
	"content" jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"lease_owner" text,
	"lease_until" timestamp with time zone,
	"external_id" text,
	"last_error" text,
	"last_status_code" integer,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "notifications_status_check" CHECK ("notifications"."status" in ('pending', 'sending', 'sent', 'failed')),
	CONSTRAINT "notifications_kind_check" CHECK ("notifications"."kind" in ('firing', 'acknowledged', 'resolved', 'test')),
	CONSTRAINT "notifications_channel_type_check" CHECK ("notifications"."channel_type" in ('webhook', 'slack', 'discord', 'email', 'pagerduty'))
);
--> statement-breakpoint
ALTER TABLE "notification_attempts" ADD CONSTRAINT "notification_attempts_notification_id_notifications_id_fk" FOREIGN KEY ("notification_id") REFERENCES "public"."notifications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_group_alerts" ADD CONSTRAINT "notification_group_alerts_group_id_notification_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."notification_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_groups" ADD CONSTRAINT "notification_groups_channel_id_notification_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."notification_channels"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_attempts_notification_idx" ON "notification_attempts" USING btree ("notification_id","id");--> statement-breakpoint
CREATE INDEX "notification_attempts_channel_idx" ON "notification_attempts" USING btree ("channel_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "notification_channels_name_lower_idx" ON "notification_channels" USING btree (lower("name"));--> statement-breakpoint
CREATE INDEX "notification_group_alerts_alert_idx" ON "notification_group_alerts" USING btree ("alert_id");--> statement-breakpoint
CREATE INDEX "notification_groups_due_idx" ON "notification_groups" USING btree ("next_flush_at") WHERE "notification_groups"."next_flush_at" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_seq_idx" ON "notifications" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "notifications_due_idx" ON "notifications" USING btree ("next_attempt_at") WHERE "notifications"."status" in ('pending', 'sending');--> statement-breakpoint
CREATE INDEX "notifications_thread_idx" ON "notifications" USING btree ("thread_key","seq");--> statement-breakpoint
CREATE INDEX "notifications_channel_idx" ON "notifications" USING btree ("channel_id","seq" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "notifications_alert_ids_idx" ON "notifications" USING gin ("alert_ids");